import Foundation

/// What each target's pipeline is doing, shared between the pipelines and whoever reports on them.
public final class ReplicatorStatus: @unchecked Sendable {
    public enum State: Sendable, Equatable {
        case starting
        case copying
        case streaming
        /// A retryable failure (a lost connection, say): waiting before reconnecting.
        case retrying(attempt: Int, error: String)
        /// A permanent failure: this target stopped; the others go on.
        case stopped(error: String)
        case finished
    }

    public struct Target: Sendable, Equatable {
        public var state: State = .starting
        /// Source transactions applied.
        public var appliedTransactions = 0
        public var appliedRows = 0
        /// Target transactions committed (several source transactions may share one).
        public var targetTransactions = 0
        /// Online copies under way: source table → rows copied so far.
        public var copies: [String: Int] = [:]
        /// Copies finished since the daemon started.
        public var finishedCopies = 0
        /// Changes this daemon put in the target's dead letters.
        public var deadLetters = 0
    }

    private let lock = NSLock()
    private var targets: [String: Target] = [:]

    public init() {}

    public func snapshot() -> [String: Target] {
        lock.lock()
        defer { lock.unlock() }
        return targets
    }

    func update(_ name: String, _ change: (inout Target) -> Void) {
        lock.lock()
        change(&targets[name, default: Target()])
        lock.unlock()
    }
}
