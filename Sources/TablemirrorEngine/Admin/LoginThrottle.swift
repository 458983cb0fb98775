import Foundation

/// The console's login form tries tokens for whoever can reach it: after `limit` wrong ones within `window`
/// seconds, it takes none until the oldest of them is that old. A plain value, kept under a lock by the routes.
struct LoginThrottle: Sendable {
    var limit = 10
    var window: TimeInterval = 60
    private var failures: [TimeInterval] = []

    init(limit: Int = 10, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Whether a login may be tried now.
    mutating func allows(at now: TimeInterval) -> Bool {
        failures.removeAll { now - $0 >= window }
        return failures.count < limit
    }

    mutating func failed(at now: TimeInterval) {
        failures.append(now)
    }
}
