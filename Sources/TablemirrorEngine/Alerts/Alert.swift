import Foundation

/// One notification: a condition began (or is still there, repeated), or it cleared.
public struct Alert: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        case firing, resolved
    }

    /// What the condition is about, stable while it lasts: `lag:orders`, `target-stopped:orders`, …
    public var key: String
    /// lag, target-stopped, dead-letter, source-unreachable, binlog-purged, row-too-large, corrupt-event, drift, ….
    public var kind: String
    public var target: String?
    public var state: State
    public var message: String
    /// When the condition began (seconds since the epoch).
    public var since: Double
    /// When this notification was made.
    public var at: Double

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// A condition that holds now, as the monitor sees it.
public struct AlertCondition: Sendable, Equatable {
    public var kind: String
    public var target: String?
    public var message: String
    /// How long it must hold before it is alerted (lag's grace period; 0 for the rest).
    public var grace: Double = 0

    public var key: String { target.map { "\(kind):\($0)" } ?? kind }
}
