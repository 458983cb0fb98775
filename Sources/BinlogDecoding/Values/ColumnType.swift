/// MySQL/MariaDB column type codes as written in table map events.
public enum ColumnType: UInt8, Sendable {
    case oldDecimal = 0
    case tiny = 1
    case short = 2
    case long = 3
    case float = 4
    case double = 5
    case null = 6
    case timestamp = 7
    case longLong = 8
    case int24 = 9
    case date = 10
    case time = 11
    case datetime = 12
    case year = 13
    case newDate = 14
    case varchar = 15
    case bit = 16
    case timestamp2 = 17
    case datetime2 = 18
    case time2 = 19
    case typedArray = 20
    case vector = 242
    case json = 245
    case newDecimal = 246
    case enumeration = 247
    case set = 248
    case tinyBlob = 249
    case mediumBlob = 250
    case longBlob = 251
    case blob = 252
    case varString = 253
    case string = 254
    case geometry = 255

    /// Columns covered by the SIGNEDNESS optional metadata.
    var isNumeric: Bool {
        switch self {
        case .tiny, .short, .int24, .long, .longLong, .newDecimal, .float, .double: return true
        default: return false
        }
    }

    /// Number of metadata bytes this type carries in the table map.
    var metadataLength: Int {
        switch self {
        case .float, .double, .blob, .tinyBlob, .mediumBlob, .longBlob, .geometry, .json,
             .timestamp2, .datetime2, .time2, .vector:
            return 1
        case .varchar, .varString, .bit, .newDecimal, .string, .enumeration, .set:
            return 2
        default:
            return 0
        }
    }
}

/// How the bytes of a character column become a value.
public enum TextEncoding: Sendable, Equatable {
    /// utf8mb3 / utf8mb4: text when the bytes are valid UTF-8 (they write back unchanged), exact bytes otherwise.
    case utf8(Charset)
    /// MySQL's latin1 (Windows-1252 with the five undefined bytes kept): every byte is a character and back.
    case latin1
    /// The binary character set: the value is bytes, not text.
    case binary
    /// Any other character set: the exact bytes with their character set (`ColumnValue.encoded`).
    case other(Charset)
    /// Not known (no metadata tablemirror knows, no schema): the bytes, without a character set. Never guessed.
    case unknown

    public init(_ charset: Charset) {
        switch charset {
        case .binary: self = .binary
        case .latin1: self = .latin1
        case .utf8mb3, .utf8mb4: self = .utf8(charset)
        default: self = .other(charset)
        }
    }

    /// From a collation id as written in table map metadata.
    public init(collationID: UInt64) {
        self = Charset.forCollation(collationID).map(TextEncoding.init) ?? .unknown
    }

    /// From a character set name as information_schema reports it.
    public init(characterSetName: String?) {
        self = characterSetName.flatMap(Charset.named).map(TextEncoding.init) ?? .unknown
    }
}
