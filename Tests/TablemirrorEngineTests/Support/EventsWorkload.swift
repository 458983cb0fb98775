import Foundation
import MariaDBClient
@testable import TablemirrorEngine

/// Rows written to `events` on their own thread (an insert and an update per transaction, about 30 a second)
/// until stopped; pausable, so that the targets can catch up and their lags be compared at zero.
final class EventsWorkload: @unchecked Sendable {
    private let stopSignal = StopSignal()
    private let paused = LockedBox(false)
    private let done = ResultBox()

    /// Writes through a connection made with `options` (its database holding `events`).
    init(_ options: ConnectionOptions) {
        var options = options
        options.multiStatements = true
        let batching = options
        let stop = stopSignal, paused = paused, done = done
        Thread {
            defer { done.finish() }
            guard let writer = try? MariaDBConnection(batching) else { return }
            var round = 0
            while !stop.wait(seconds: 0.03) {
                guard !paused.value else { continue }
                round += 1
                _ = try? writer.execute("""
                    BEGIN; INSERT INTO events (kind, amount) VALUES ('k\(round % 7)', \(round));
                    UPDATE events SET amount = amount + 1 WHERE id = \(round / 2 + 1); COMMIT
                    """)
            }
        }.start()
    }

    func pause(_ pausing: Bool) { paused.value = pausing }

    func stop() {
        stopSignal.stop()
        done.wait()
    }
}
