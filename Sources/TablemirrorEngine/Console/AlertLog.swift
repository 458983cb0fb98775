/// The alerts the daemon has sent, for the console: those still firing, and the most recent notifications with
/// their resolutions. A plain value; the monitor records each alert as it dispatches it.
public struct AlertLog: Sendable, Equatable {
    public static let recentLimit = 50

    /// Firing now, by key: the last notification of each.
    public private(set) var open: [String: Alert] = [:]
    /// Newest last.
    public private(set) var recent: [Alert] = []

    public init() {}

    public mutating func record(_ alert: Alert) {
        switch alert.state {
        case .firing: open[alert.key] = alert
        case .resolved: open[alert.key] = nil
        }
        recent.append(alert)
        if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
    }
}
