import ArgumentParser
import TablemirrorEngine

struct Adopt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an existing, identical table in a target tablemirror's replica of a mapped source table.",
        discussion: "For migrations from other tools: tablemirror never replaces a table it did not create, and stops that mapping for the target instead. adopt checks that the table has the source table's structure and rows (stop the other tool first), records it as tablemirror's, guards it read-only and has the daemon copy it once more in stream order. Exit status: 0 adopted (or already tablemirror's), 1 refused (different, or missing), 2 failed.")

    @OptionGroup var options: OperatorOptions

    @Argument(help: "The source table (database.table, or table).")
    var table: String

    @Option(help: "The target whose table to adopt.")
    var target: String

    func run() throws {
        let entries: [TableSelection.Entry]
        let connections: Replicator.Connections
        do {
            let (_, loaded, plan) = try options.load()
            connections = loaded
            entries = try TableSelection.resolve([table], target: target, plan: plan).entries
        } catch {
            printError("tablemirror adopt: \(error)")
            throw ExitCode(2)
        }
        do {
            for entry in entries { print(try ReplicaAdoption.adopt(entry, connections: connections)) }
        } catch {
            printError("tablemirror adopt: \(error)")
            throw ExitCode(1)
        }
    }
}
