import Foundation

/// Turns the conditions that hold at each look into notifications: one when a condition has held for its
/// grace period, again every `repeatSeconds` while it lasts, and a resolved one when it clears. A plain value:
/// the monitor feeds it, the tests too.
public struct AlertTracker: Sendable {
    public let repeatSeconds: Double
    private var seen: [String: Double] = [:]       // key → when first seen holding
    private var firing: [String: Alert] = [:]      // key → the last firing notification

    public init(repeatSeconds: Double) {
        self.repeatSeconds = repeatSeconds
    }

    public mutating func evaluate(_ conditions: [AlertCondition], now: Double) -> [Alert] {
        var out: [Alert] = []
        let holding = Dictionary(conditions.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for (key, condition) in holding.sorted(by: { $0.key < $1.key }) {
            let since = seen[key] ?? now
            seen[key] = since
            guard now - since >= condition.grace else { continue }
            if let last = firing[key] {
                guard repeatSeconds > 0, now - last.at >= repeatSeconds else { continue }
            }
            let alert = Alert(key: key, kind: condition.kind, target: condition.target, state: .firing, message: condition.message,
                              since: since, at: now)
            firing[key] = alert
            out.append(alert)
        }
        for key in seen.keys where holding[key] == nil {
            seen[key] = nil
            if var alert = firing.removeValue(forKey: key) {
                alert.state = .resolved
                alert.at = now
                alert.message = "resolved: " + alert.message
                out.append(alert)
            }
        }
        return out
    }
}
