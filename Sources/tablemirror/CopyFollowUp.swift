import ArgumentParser
import TablemirrorEngine

/// What `resync` and `reseed` do once their copies are requested: follow them to the end, then verify the tables
/// (exit status 1 when differences remain, 2 when the copies did not finish in time).
func followCopies(_ entries: [TableSelection.Entry], command: String, configuration: Configuration, connections: Replicator.Connections,
                  timeout: Double) throws {
    guard try CopyRequests.wait(for: entries, connections: connections, timeout: timeout, report: { print($0) }) else {
        printError("tablemirror \(command): not finished within \(Int(timeout)) s (the request stays; the daemon goes on with it)")
        throw ExitCode(2)
    }
    let comparisons = try Verification.run(entries, connections: connections)
    for line in VerificationReport.text(comparisons) { print("verify: " + line) }
    try DriftAlerts.report(comparisons, alerts: configuration.alerts, connections: connections)
    if comparisons.contains(where: { !$0.differences.isEmpty }) { throw ExitCode(1) }
}
