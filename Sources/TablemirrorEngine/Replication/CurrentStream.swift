import Foundation
import MariaDBClient

/// The stream a pipeline is reading now, so a stop can interrupt a blocked read — and only a live stream's
/// socket (cleared before the stream closes, so a reused descriptor is never shut down).
final class CurrentStream: @unchecked Sendable {
    private let lock = NSLock()
    private var interrupter: StreamInterrupter?

    func set(_ interrupter: StreamInterrupter?) {
        lock.lock()
        self.interrupter = interrupter
        lock.unlock()
    }

    func interrupt() {
        lock.lock()
        defer { lock.unlock() }
        interrupter?.interrupt()
    }
}
