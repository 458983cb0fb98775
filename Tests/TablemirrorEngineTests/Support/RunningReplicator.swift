import Foundation
import MariaDBClient
@testable import TablemirrorEngine

/// A replicator running on its own thread for a test, stopped (and waited for) when the test says so.
final class RunningReplicator {
    let status = ReplicatorStatus()
    private let stopSignal = StopSignal()
    private let result = ResultBox()

    init(_ configuration: Configuration, targets: [String: ConnectionOptions], source: ConnectionOptions,
         backoffSeconds: (first: Double, maximum: Double) = (1, 30)) {
        let replicator = Replicator(configuration: configuration,
                                    connections: Replicator.Connections(source: source, targets: targets),
                                    status: status, backoffSeconds: backoffSeconds)
        let stop = stopSignal, result = result
        let thread = Thread {
            do { try replicator.run(until: stop) } catch { result.set(error) }
            result.finish()
        }
        thread.start()
    }

    /// Stops it and returns the error it ended with, if any.
    @discardableResult
    func stop() -> (any Error)? {
        stopSignal.stop()
        result.wait()
        return result.error
    }
}

/// Polls `condition` (every 50 ms unless told) until it holds or `seconds` pass; returns its last answer.
func waitUntil(_ seconds: Double, every interval: Double = 0.05, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(UInt32(interval * 1_000_000))
    }
    return condition()
}

/// The replicator thread's outcome.
final class ResultBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false
    private(set) var error: (any Error)?

    func set(_ error: any Error) {
        condition.lock()
        self.error = error
        condition.unlock()
    }

    func finish() {
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    func wait() {
        condition.lock()
        while !done { condition.wait() }
        condition.unlock()
    }
}
