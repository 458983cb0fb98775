import Foundation

/// Set once, from any thread (a signal handler's queue, a test), to ask long-running loops to end.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var actions: [@Sendable () -> Void] = []

    public init() {}

    public var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    public func stop() {
        lock.lock()
        guard !stopped else { lock.unlock(); return }
        stopped = true
        let pending = actions
        actions = []
        lock.unlock()
        for action in pending { action() }
    }

    /// Runs `action` when stop is asked (at once if it already was): used to unblock a blocking read.
    func onStop(_ action: @escaping @Sendable () -> Void) {
        lock.lock()
        if stopped {
            lock.unlock()
            action()
            return
        }
        actions.append(action)
        lock.unlock()
    }
}
