import ArgumentParser
import MariaDBClient
import TablemirrorEngine

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print what would be replicated where.",
        discussion: "Every secret it names is read (an unset variable, an empty file or one that group or others may read is an error). With --target-audit it also connects to each target and prints its replicas that are not as tablemirror left them and the grants that let other accounts write to them, with the REVOKE statements to run; exit status 1 when there is any.")

    @Argument(help: "The configuration file.")
    var file: String

    @Flag(help: "Audit each target's replicas and grants.")
    var targetAudit = false

    func run() throws {
        let configuration: Configuration
        do {
            configuration = try ConfigurationLoader.load(path: file)
            try configuration.checkSecrets()
            for line in ConfigurationLoader.describe(configuration) { print(line) }
        } catch {
            printError("tablemirror check-config: \(error)")
            throw ExitCode.failure
        }
        guard targetAudit else { return }
        var clean = true
        for target in configuration.targets {
            do {
                let connection = try MariaDBConnection(try target.server.connectionOptions())
                let tampered = try ReplicaAudit.tampering(target: target.name, on: connection)
                let grants = try ReplicaAudit.grants(target: target.name, on: connection)
                for finding in tampered { print("target \(target.name): \(finding.replica): \(finding.what)") }
                if grants.writers.isEmpty {
                    print("target \(target.name): no other account may write to its replicas")
                } else {
                    print("target \(target.name): other accounts may write to its replicas; revoke with:")
                    for grant in grants.writers { print("  \(grant.revokeStatement)") }
                }
                if !grants.administrators.isEmpty {
                    print("target \(target.name): administrators (can undo any guard): \(grants.administrators.joined(separator: ", "))")
                }
                if grants.incomplete {
                    print("target \(target.name): only the target user's own grants are visible; GRANT SELECT ON mysql.* TO it for a full audit")
                }
                clean = clean && tampered.isEmpty && grants.writers.isEmpty
            } catch {
                printError("tablemirror check-config: target \(target.name): \(error)")
                clean = false
            }
        }
        if !clean { throw ExitCode.failure }
    }
}
