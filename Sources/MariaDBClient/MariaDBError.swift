/// An error from the server or the client library, with what an operator needs and whether retrying can help.
public struct MariaDBError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The connection failed or was lost: reconnect and retry.
        case connection
        /// Deadlock, lock wait timeout, read-only server: retry the transaction.
        case transient
        /// The binlog file or position asked for is not on the server any more (purged) or never was.
        case binlogUnavailable
        /// Anything else: retrying the same thing will fail the same way.
        case permanent
    }

    public var code: UInt32
    public var sqlState: String
    public var message: String
    /// What tablemirror was doing, for the operator (never contains a password).
    public var context: String

    public init(code: UInt32, sqlState: String, message: String, context: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.context = context
    }

    public var kind: Kind { Self.classify(code: code) }

    /// A `LOAD DATA LOCAL` wrote fewer rows than it was given, or warned: it skips a row that breaks a unique key, a
    /// CHECK or a foreign key (where an INSERT fails) and stores a value it must convert with a warning. Permanent:
    /// the same rows fail the same way; the applier then writes them one statement each, which fails on the row at
    /// fault and names it, or (a conversion the session's INSERT accepts too) writes them as an INSERT would.
    public static func rowsNotAllLoaded(written: Int, of count: Int, warnings: Int, context: String) -> MariaDBError {
        MariaDBError(code: 2000, sqlState: "HY000",
                     message: "LOAD DATA LOCAL wrote \(written) of \(count) rows with \(warnings) warning(s) (a duplicate key, or a value the column does not hold as given)",
                     context: context)
    }
    public var isRetryable: Bool { kind == .connection || kind == .transient }

    public static func classify(code: UInt32) -> Kind {
        switch code {
        case 2002, 2003, 2005, 2006, 2011, 2012, 2013, 2026, 2055, 1040, 1053, 1927, 1152, 1158, 1159, 1160, 1161:
            return .connection
        case 1205, 1213, 1290, 1836, 1792, 1180, 1181, 4031:
            return .transient
        case 1236:
            return .binlogUnavailable
        default:
            return .permanent
        }
    }

    public var description: String {
        let hint = kind == .binlogUnavailable
            ? " — the requested binlog position is not on the server (purged, or never written)"
            : ""
        return "\(context): [\(code)\(sqlState.isEmpty ? "" : " " + sqlState)] \(message)\(hint)"
    }
}
