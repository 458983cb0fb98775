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
            } catch let EngineError.invalidArgument(reason) {
                printError("tablemirror reseed: \(reason)")
                throw ExitCode(1)
            }
            let from = request.previous.map { "\($0.position)" } ?? "no checkpoint"
            print("reseed of \(target): checkpoint moved from \(from) to \(request.checkpoint.position); \(request.entries.count) table(s) to copy again"
                + (request.rebuilt.isEmpty ? "" : ", rebuilt: \(request.rebuilt.map(\.description).joined(separator: ", "))"))
            try followCopies(request.entries, command: "reseed", configuration: configuration, connections: connections, timeout: timeout)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("tablemirror reseed: \(error)")
            throw ExitCode(2)
        }
    }
}
