import BinlogDecoding

/// A run of a source table's rows, by primary key, exactly as they were at one binlog position. Applied to a
/// target at that position in the stream (after every transaction before it, before every one after it), it
/// replaces the replica's rows in its key range — so changes made during a copy are neither lost nor
/// overwritten by older copied data. A table without a primary key has one chunk, the whole table, handed over
/// in pieces (`continues`).
struct TableChunk: Sendable {
    var source: QualifiedTableName
    /// The snapshot's position: the chunk belongs between the transactions before and after it.
    var position: BinlogPosition
    /// The GTID position of the snapshot, when the source can say.
    var gtid: String?
    /// Replace the range, insert the rows, record the progress: in the target transaction at `position`.
    var statements: [String]
    var rowCount: Int
    /// The last chunk of the table: the copy is complete once it is applied.
    var isLast: Bool
    /// The first chunk of a copy that rebuilds the replica: its structure as of `position`.
    var recreated: RecreatedTable?
    /// More pieces of this chunk follow, at the same position, for the same target transaction (a table without a
    /// primary key is copied whole, in pieces of bounded size): the transaction must not commit before the last.
    var continues = false

    struct RecreatedTable: Sendable {
        /// CREATE TABLE for the replica (named for the target, without foreign keys).
        var createStatement: String
        /// The columns, for decoding the table's events after `position`.
        var structure: TableSchemaHint
    }
}
