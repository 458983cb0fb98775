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
    @Option(help: "TLS mode, as a configuration's tls.mode: disabled, preferred, required, verify_ca, verify_identity.")
    var tlsMode: String = "preferred"
    @Option(help: "Authority the server's certificate is checked against (verify_ca, verify_identity).")
    var tlsCaFile: String?

    func connectionOptions() throws -> ConnectionOptions {
        let password: String?
        do {
            password = try SecretSource(environmentVariable: passwordEnv, file: passwordFile).resolve()
        } catch {
            throw ValidationError("\(error)")
        }
        guard let mode = ConnectionTLS.Mode(rawValue: tlsMode) else {
            throw ValidationError("--tls-mode: '\(tlsMode)' is not one of: \(ConnectionTLS.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if (mode == .verifyCA || mode == .verifyIdentity) && tlsCaFile == nil {
            throw ValidationError("--tls-mode \(tlsMode) needs --tls-ca-file")
        }
        var options = ConnectionOptions(host: host ?? "127.0.0.1", port: port, user: user, password: password)
        options.tls = ConnectionTLS(mode: mode, caFile: tlsCaFile)
        return options
    }
}
