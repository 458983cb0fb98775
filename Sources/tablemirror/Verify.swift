import ArgumentParser
import TablemirrorEngine

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare source tables with their replicas (chunked checksums, no locks) and list differing rows.",
        discussion: "Exit status: 0 identical, 1 differences found, 2 could not verify.")

    @OptionGroup var options: OperatorOptions

    @Argument(help: "Source tables (database.table, or table); all mapped tables when none is named.")
    var tables: [String] = []

    @Option(help: "Only this target.")
    var target: String?

    @Flag(help: "Have the daemon put the differing rows right (in stream order), then verify again.")
    var repair = false

    @Flag(help: "Print one JSON document.")
    var json = false

    @Option(help: "Seconds to wait for the daemon to apply a repair.")
    var repairTimeout: Double = 600

    func run() throws {
        do {
            let (configuration, connections, plan) = try options.load()
            let selection = try TableSelection.resolve(tables, target: target, plan: plan)
            var comparisons = try Verification.run(selection.entries, connections: connections) { comparison in
                if !json { for line in VerificationReport.text([comparison]) { print(line) } }
            }
            if repair, comparisons.contains(where: { !$0.differences.isEmpty }) {
                let repaired = try Verification.requestRepairs(comparisons, entries: selection.entries, connections: connections)
                if !json { print("repairing \(repaired.count) table(s) through the daemon…") }
                guard try CopyRequests.wait(for: repaired, connections: connections, timeout: repairTimeout, report: { printError($0) }) else {
                    printError("tablemirror verify: the repair was not applied within \(Int(repairTimeout)) s (it stays requested; is the daemon running?)")
                    throw ExitCode(2)
                }
                comparisons = try Verification.run(repaired, connections: connections) { comparison in
                    if !json { for line in VerificationReport.text([comparison]).map({ "after repair: " + $0 }) { print(line) } }
                }
            }
            try DriftAlerts.report(comparisons, alerts: configuration.alerts, connections: connections)
            if json { print(VerificationReport.json(comparisons)) }
            if comparisons.contains(where: { !$0.differences.isEmpty }) { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("tablemirror verify: \(error)")
            throw ExitCode(2)
        }
    }
}
