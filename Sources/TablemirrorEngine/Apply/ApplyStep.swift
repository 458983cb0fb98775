import BinlogDecoding

/// What `ApplyGroup` is told: the reader's items, once the executor has resolved what needs the target (routes,
/// row filters, who owns a replica), and the executor's own moments (the queue ran dry, the stream ended).
enum ApplyInput {
    case begin(TransactionStart)
    /// The current source transaction's next rows, per replicated table, filtered and in source order.
    case rows([TableChanges])
    case commit(TransactionCommit)
    /// Source transactions that concerned no table of this target went by, up to this one.
    case passed(TransactionCommit)
    /// A schema change at its place: it runs between target transactions.
    case schemaChange(SchemaChangeWork)
    /// The schema change ran; one outside a source transaction moves the checkpoint past itself.
    case schemaChangeApplied(SchemaChangeWork)
    /// A set-aside table's replica may be tablemirror's again: the executor looks, between target transactions.
    case readmit(QualifiedTableName)
    /// A copy chunk that rebuilds its replica: the executor recreates the table, between target transactions.
    case rebuild(TableChunk)
    /// A chunk of an online copy, for a table replicated here (`rebuilt`: its replica was just created anew).
    case copyChunk(TableChunk, rebuilt: Bool)
    /// The executor handled an item; whether more items are already waiting in its queue.
    case handled(moreWaiting: Bool)
    /// The stream ended (a stop): what is complete commits, a partial transaction is rolled back.
    case end
    /// A failure: whatever is open is rolled back.
    case abandon
}

/// One table's changes, with how to write them.
struct TableChanges {
    var table: QualifiedTableName
    var plan: TableApplyPlan
    var onError: Configuration.ErrorPolicy
    var changes: [RowChangeMessage]
}

/// What the executor performs, in order, on the target's connection.
enum ApplyStep {
    /// Texts to send, one round trip each (the first of a target transaction begins with BEGIN).
    case send([TargetText])
    /// These changes, one statement each, inside the open transaction, refused ones dead-lettered (`dead-letter`)
    /// or stopping the target (`stop`); the executor reports the dead letters with `ApplyGroup.deadLettered`.
    case applyOneByOne(TableChanges)
    case runSchemaChange(SchemaChangeWork)
    case readmit(QualifiedTableName)
    case rebuildReplica(TableChunk)
    /// The open target transaction holds a source transaction committed this long ago (source time): for lag.
    case pendingSince(UInt32)
    /// The target transaction committed (after the `send` of its COMMIT).
    case committed(GroupSummary)
    /// The checkpoint moved without a group (a schema change outside a transaction).
    case checkpointMoved(Checkpoint)
    /// The open target transaction is given up; ROLLBACK is sent when BEGIN had reached the server.
    case rollBack(GroupSummary, onServer: Bool)
}

/// One target transaction, for the log, the metrics and the status.
struct GroupSummary: Equatable {
    var number: Int
    var from: BinlogPosition?
    var to: BinlogPosition?
    var counts = GroupCounts()
    /// The checkpoint as of the end of the group (unchanged when only copy chunks were in it).
    var checkpoint: Checkpoint?
}

/// What one target transaction carried.
struct GroupCounts: Equatable {
    /// Source transactions complete in it.
    var transactions = 0
    var rows = 0
    var rowsPerTable: [String: Int] = [:]
    var copyChunks = 0
    var finishedCopies = 0
    var copiedRows = 0
    var deadLetters = 0
}
