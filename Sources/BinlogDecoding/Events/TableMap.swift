/// A table map event: the shape of a table that the following rows events refer to by id.
public struct TableMap: Sendable {
    public var tableID: UInt64
    public var flags: UInt16
    public var database: String
    public var table: String
    public var columns: [ColumnDefinition]
    /// Column indexes of the primary key, when the server wrote them (binlog_row_metadata=FULL).
    public var primaryKey: [Int]?

    public var columnNames: [String] {
        columns.enumerated().map { index, column in column.name ?? "@\(index + 1)" }
    }
}

/// One column as the table map (plus optional metadata or schema hints) describes it.
public struct ColumnDefinition: Sendable, Equatable {
    /// The type code written in the table map (STRING for CHAR, ENUM and SET alike).
    public var typeCode: UInt8
    /// The type the values are actually stored as (ENUM and SET resolved from STRING's metadata).
    public var realType: ColumnType
    /// Raw per-type metadata from the table map, as a little-endian number of up to 2 bytes.
    public var metadata: UInt16
    public var isNullable: Bool
    public var name: String?
    /// nil when neither metadata nor schema says.
    public var isUnsigned: Bool?
    public var textEncoding: TextEncoding
    public var enumValues: [String]?
    public var setValues: [String]?

    public init(typeCode: UInt8, realType: ColumnType, metadata: UInt16, isNullable: Bool, name: String? = nil,
                isUnsigned: Bool? = nil, textEncoding: TextEncoding = .unknown,
                enumValues: [String]? = nil, setValues: [String]? = nil) {
        self.typeCode = typeCode
        self.realType = realType
        self.metadata = metadata
        self.isNullable = isNullable
        self.name = name
        self.isUnsigned = isUnsigned
        self.textEncoding = textEncoding
        self.enumValues = enumValues
        self.setValues = setValues
    }

    /// Character columns are the ones DEFAULT_CHARSET / COLUMN_CHARSET metadata covers.
    var isCharacter: Bool {
        switch realType {
        case .string, .varString, .varchar, .blob, .tinyBlob, .mediumBlob, .longBlob: return true
        default: return false
        }
    }

    var isEnumOrSet: Bool { realType == .enumeration || realType == .set }
}

/// What the replicator knows about a table from the source's schema, used where the binlog lacks metadata.
public struct TableSchemaHint: Sendable, Equatable, Codable {
    public struct Column: Sendable, Equatable, Codable {
        public var name: String
        public var isUnsigned: Bool
        public var characterSet: String?
        public var enumValues: [String]?
        public var setValues: [String]?

        public init(name: String, isUnsigned: Bool, characterSet: String?, enumValues: [String]? = nil, setValues: [String]? = nil) {
            self.name = name
            self.isUnsigned = isUnsigned
            self.characterSet = characterSet
            self.enumValues = enumValues
            self.setValues = setValues
        }
    }

    public var columns: [Column]
    public var primaryKey: [Int]

    public init(columns: [Column], primaryKey: [Int]) {
        self.columns = columns
        self.primaryKey = primaryKey
    }
}

public struct QualifiedTableName: Sendable, Hashable, CustomStringConvertible {
    public var database: String
    public var table: String

    public init(database: String, table: String) {
        self.database = database
        self.table = table
    }

    public var description: String { "\(database).\(table)" }
}
