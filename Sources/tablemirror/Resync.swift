import ArgumentParser
import TablemirrorEngine

struct Resync: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a mapped table into its replicas again, online, while the daemon keeps streaming; then verify it.",
        discussion: "The daemon takes the request up between two transactions and copies the table in chunks, each at its exact binlog position. Exit status: 0 done and identical, 1 done but differences remain, 2 failed or timed out.")

    @OptionGroup var options: OperatorOptions

    @Argument(help: "The source table (database.table, or table).")
    var table: String

    @Option(help: "Only this target (default: every target of the table).")
    var target: String?

    @Option(help: "Seconds to wait for the copy to finish.")
    var timeout: Double = 3600

    func run() throws {
        do {
            let (configuration, connections, plan) = try options.load()
            let selection = try TableSelection.resolve([table], target: target, plan: plan)
            try CopyRequests.request(selection.entries, reason: "resync", connections: connections)
            print("resync of \(table) requested for \(selection.entries.map(\.target.name).joined(separator: ", "))")
            try followCopies(selection.entries, command: "resync", configuration: configuration, connections: connections, timeout: timeout)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("tablemirror resync: \(error)")
            throw ExitCode(2)
        }
    }
}
