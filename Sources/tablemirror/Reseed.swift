import ArgumentParser
import TablemirrorEngine

struct Reseed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a target again from a fresh snapshot of the source: after the binlog its checkpoint needs was purged.",
        discussion: "Moves the target's checkpoint to a new snapshot position and has the daemon copy every mapped table of the target again, online, while it streams from there; then verifies them. For a stopped target (alert binlog-purged), or with the daemon down. Exit status: 0 done and identical, 1 differences remain or refused, 2 failed or timed out.")

    @OptionGroup var options: OperatorOptions

    @Option(help: "The target to reseed.")
    var target: String

    @Flag(help: "Rebuild every replica from the source's definition (default: only those whose structure differs; the others are refilled in place and keep serving their rows).")
    var rebuild = false

    @Option(help: "Seconds to wait for the copies to finish.")
    var timeout: Double = 3600

    func run() throws {
        do {
            let (configuration, connections, plan) = try options.load()
            let request: TargetReseed.Request
            do {
                request = try TargetReseed.request(target: target, rebuildAll: rebuild, configuration: configuration, connections: connections,
                                                   plan: plan)
            } catch let error as EngineError {
                printError("tablemirror reseed: \(error)")
                throw ExitCode(1)
            }
            let from = request.previous.map { "\($0.position)" } ?? "no checkpoint"
            print("reseed of \(target): checkpoint moved from \(from) to \(request.checkpoint.position); \(request.entries.count) table(s) to copy again"
                + (request.rebuilt.isEmpty ? "" : ", rebuilt: \(request.rebuilt.map(\.description).joined(separator: ", "))"))
            guard try CopyRequests.wait(for: request.entries, connections: connections, timeout: timeout, report: { print($0) }) else {
                printError("tablemirror reseed: not finished within \(Int(timeout)) s (the requests stay; the daemon goes on with them)")
                throw ExitCode(2)
            }
            let comparisons = try Verification.run(request.entries, connections: connections)
            for line in VerificationReport.text(comparisons) { print("verify: " + line) }
            try DriftAlerts.report(comparisons, alerts: configuration.alerts, connections: connections)
            if comparisons.contains(where: { !$0.differences.isEmpty }) { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("tablemirror reseed: \(error)")
            throw ExitCode(2)
        }
    }
}
