#if canImport(Glibc)
import CMalloc
#endif

/// The byte budgets that keep each target's pipeline within a fixed amount of memory whatever its rows; README
/// ("Memory") states the bound they add up to. A single row larger than a budget still passes, alone.
public enum MemoryBudget {
    /// What may wait between a target's reader and its applier.
    static let queueItems = 64
    static let queueBytes = 16 << 20
    /// The reader hands a transaction's rows to the applier in batches of at most this many rows or bytes.
    static let batchRows = 512
    static let batchBytes = 1 << 20
    /// One chunk of an online copy, or one piece of a table without a primary key copied whole (in SQL text).
    static let chunkBytes = 4 << 20
    /// A row from this size on gets the room for its SQL reserved before it is written: a text grown step by step
    /// holds its old copy and its new one at each step.
    static let largeRow = 1 << 20

    /// README's bound on the daemon's resident memory: the program and its connections, each target's budgets
    /// (its queue, the batch being built, a copy chunk read and one being applied, the folds and the text of its open
    /// target transaction, and the text its sending thread holds: up to `sendSize` plus one statement), and a few copies of the largest row, which may pass through whole: the client library's
    /// buffer for it (kept by the connection), the event or the row read, its decoded values, the statement that
    /// writes it as hex (twice its size), and what the allocator has not given back yet.
    static func residentBound(targets: Int, largestRow: Int) -> Int {
        baseBytes + targets * perTargetBytes + largestRowCopies * largestRow
    }

    static let baseBytes = 96 << 20
    static let perTargetBytes = queueBytes + batchBytes + 2 * chunkBytes + GroupStatements.foldBytes + 2 * GroupStatements.sendSize
        + RowChangeSQL.statementSizeLimit + (8 << 20)
    static let largestRowCopies = 7

    /// Buffers of 1 MiB or more (a large row's event, values and statement) are mapped on their own and go back to
    /// the system when freed. Left to itself, glibc raises that threshold once such a buffer is freed, and each
    /// thread's heap then keeps what the largest row once needed. Called once, at the daemon's start.
    public static func returnLargeBuffersToTheSystem() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        #endif
    }
}
