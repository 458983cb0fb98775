import ArgumentParser
import MariaDBClient
import TablemirrorEngine

/// Connection flags shared by commands that talk to a server. The password never comes from a flag
/// (it would show in `ps`): it comes from an environment variable or a file.
struct ServerOptions: ParsableArguments {
    @Option(help: "Server host.")
    var host: String?
    @Option(help: "Server port.")
    var port: Int = 3306
    @Option(help: "User name.")
    var user: String = "root"
    @Option(help: "Environment variable holding the password.")
    var passwordEnv: String = "TM_SOURCE_PASSWORD"
    @Option(help: "File holding the password (its first line).")
    var passwordFile: String?

    func connectionOptions() throws -> ConnectionOptions {
        let password: String?
        do {
            password = try SecretSource(environmentVariable: passwordEnv, file: passwordFile).resolve()
        } catch {
            throw ValidationError("\(error)")
        }
        return ConnectionOptions(host: host ?? "127.0.0.1", port: port, user: user, password: password)
    }
}
