/// How many rows the next chunk of a table's copy asks the source for: `maxRows`, or fewer when the rows of the
/// chunk before were large, so that a chunk stays near `bytes` of SQL. A chunk that reaches `bytes` anyway (larger
/// rows further on) ends at the row that filled it; its first row always counts, however large.
struct ChunkSizing: Equatable {
    let maxRows: Int
    let bytes: Int
    /// Bytes per row in the last chunk read (nil before the first).
    private var averageRowBytes: Int?

    init(maxRows: Int, bytes: Int) {
        self.maxRows = max(1, maxRows)
        self.bytes = max(1, bytes)
    }

    /// Rows to ask for next (the SELECT's LIMIT).
    var nextLimit: Int {
        guard let averageRowBytes else { return maxRows }
        return min(maxRows, max(1, bytes / max(1, averageRowBytes)))
    }

    /// Whether a chunk of `size` bytes so far is full: the next row waits for the next chunk.
    func isFull(_ size: Int) -> Bool { size >= bytes }

    mutating func record(rows: Int, bytes size: Int) {
        guard rows > 0 else { return }
        averageRowBytes = max(1, size / rows)
    }
}
