import Foundation

/// Set once, from any thread (a signal handler's queue, a test), to ask long-running loops to end. A loop that
/// pauses waits on the signal itself, so a stop wakes it at once.
public final class StopSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var actions: [@Sendable () -> Void] = []

    public init() {}

    public var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    public func stop() {
        condition.lock()
        guard !stopped else { condition.unlock(); return }
        stopped = true
        let pending = actions
        actions = []
        condition.broadcast()
        condition.unlock()
        for action in pending { action() }
    }

    /// Waits until stop is asked or `seconds` have passed; true when stopped.
    @discardableResult
    public func wait(seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopped && condition.wait(until: deadline) {}
        return stopped
    }

    /// Waits until stop is asked.
    public func wait() {
        condition.lock()
        defer { condition.unlock() }
        while !stopped { condition.wait() }
    }

    /// Runs `action` when stop is asked (at once if it already was): used to unblock a blocking read.
    func onStop(_ action: @escaping @Sendable () -> Void) {
        condition.lock()
        if stopped {
            condition.unlock()
            action()
            return
        }
        actions.append(action)
        condition.unlock()
    }
}
