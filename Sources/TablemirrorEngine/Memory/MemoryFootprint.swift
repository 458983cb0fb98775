import BinlogDecoding

/// Roughly the bytes a value keeps in memory: what the byte budgets of the queues, batches and copy chunks count.
/// Payloads (strings, byte arrays) count by their length and every value by a small fixed part, so that many small
/// values add up too. An estimate, not an allocator's figure: it only has to grow with what is really held.
protocol MemoryFootprint {
    var footprint: Int { get }
}

/// What a value costs beyond its payload (its case, its place in an array).
let fixedFootprint = 16

extension ColumnValue: MemoryFootprint {
    var footprint: Int {
        switch self {
        case let .decimal(text), let .text(text), let .json(text): fixedFootprint + text.utf8.count
        case let .bytes(bytes), let .geometry(bytes), let .encoded(bytes, _): fixedFootprint + bytes.count
        case let .enumeration(_, name): fixedFootprint + (name?.utf8.count ?? 0)
        case let .set(_, members): fixedFootprint + (members?.reduce(0) { $0 + fixedFootprint + $1.utf8.count } ?? 0)
        case let .jsonDiff(diffs): diffs.reduce(fixedFootprint) { $0 + 4 * fixedFootprint + $1.path.utf8.count }
        default: fixedFootprint
        }
    }
}

extension RowImage: MemoryFootprint {
    var footprint: Int { values.reduce(fixedFootprint) { $0 + ($1?.footprint ?? fixedFootprint) } }
}

extension RowChangeMessage: MemoryFootprint {
    /// The images; names and positions are shared with the other rows of the event, and counted once as a fixed part.
    var footprint: Int { 4 * fixedFootprint + (before?.footprint ?? 0) + (after?.footprint ?? 0) }
}

extension Change: MemoryFootprint {
    var footprint: Int {
        switch self {
        case let .row(row): row.footprint
        case let .ddl(ddl): fixedFootprint + ddl.statement.utf8.count
        case .begin, .commit: fixedFootprint
        }
    }
}

extension Array: MemoryFootprint where Element: MemoryFootprint {
    var footprint: Int { reduce(fixedFootprint) { $0 + $1.footprint } }
}
