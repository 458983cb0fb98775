import BinlogDecoding

/// What the reader hands a target's applier, in source order. Rows come in batches as the source
/// transaction is read, so a transaction of any size flows through in constant memory.
enum ApplyItem: Sendable {
    case begin(TransactionStart)
    case rows([RowChangeMessage])
    case commit(TransactionCommit)
    /// Source transactions that touched none of this target's tables went by, up to this one: the checkpoint
    /// may move past them (so lag and restarts count from there).
    case passed(TransactionCommit)
    /// Between two transactions: a chunk of an online copy, at its snapshot position.
    case copyChunk(TableChunk)
    /// A schema change at its place in the stream; the reader waits for its outcome.
    case schemaChange(SchemaChangeWork)
}

extension BinlogPosition {
    /// Binlog file names share a prefix and a zero-padded counter, so (file, offset) orders positions.
    func isBefore(_ other: BinlogPosition) -> Bool {
        file < other.file || (file == other.file && offset < other.offset)
    }
}

extension ApplyItem: MemoryFootprint {
    var footprint: Int {
        switch self {
        case let .rows(rows): rows.footprint
        case let .copyChunk(chunk): chunk.statements.reduce(fixedFootprint) { $0 + fixedFootprint + $1.utf8.count }
        case .begin, .commit, .passed, .schemaChange: fixedFootprint
        }
    }
}
