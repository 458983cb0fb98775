import Foundation

/// One console snapshot at a time, reused for two seconds: every page load and every open page's refresh would
/// otherwise open its own source and target connections (under the replication account, whose connection limit the
/// reader and copies need), however many tabs or callers there are.
final class ConsoleSnapshotCache: @unchecked Sendable {
    static let maxAge: TimeInterval = 2

    /// Held while a snapshot is read: later callers wait for it and take it.
    private let lock = NSLock()
    private var last: (snapshot: ConsoleSnapshot, at: Date)?

    /// The latest snapshot if younger than `maxAge`, else a new one from `read`. Blocks: call on a dedicated thread.
    func snapshot(now: @escaping () -> Date = Date.init, read: () -> ConsoleSnapshot) -> ConsoleSnapshot {
        lock.lock()
        defer { lock.unlock() }
        if let last, now().timeIntervalSince(last.at) < Self.maxAge { return last.snapshot }
        let snapshot = read()
        last = (snapshot, now())
        return snapshot
    }
}
