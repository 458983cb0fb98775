import BinlogDecoding
import OrderedCollections

/// The net effect of a run of one table's row changes, by primary key: for every key touched, whether the
/// target may hold a row for it now, and the row it must hold at the end (or none). Applied as one DELETE of
/// the keys that may exist followed by one INSERT (or load) of the final rows (or, where the primary key is the
/// only unique key, a DELETE of the keys that end deleted, the rows with new keys inserted and the others upserted),
/// whatever the number of changes in between: a group of source transactions that updates the same rows again and again costs two
/// statements.
///
/// Correct because the end state is all a reader of the target can see (the group commits atomically), and
/// because that end state is the source's own, which satisfies every unique key: deleting all touched keys
/// before inserting means no intermediate order can collide. Only exact changes fold (see `canFold`).
struct FoldedTableChanges {
    let plan: TableApplyPlan
    private(set) var columnNames: [String] = []
    private var entries: OrderedDictionary<String, Entry> = [:]

    private struct Entry {
        /// The row the target may hold for this key before the run: deleted first. Nil when the run began by
        /// inserting the key, so it cannot exist in a target that matches the source.
        var existing: RowImage?
        /// The row at the end of the run; nil when the key ends deleted.
        var final: RowImage?
    }

    init(plan: TableApplyPlan) {
        self.plan = plan
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }
    /// The images taken in since the run began (by `MemoryFootprint`, replaced ones included: an upper bound).
    private(set) var bytes = 0

    /// Whether a change can be folded: the table has a primary key whose values compare exactly as bytes
    /// (text keys compare under a collation — 'a' and 'A ' may be one key — so they stay unfolded), and the
    /// images are whole (MINIMAL and NOBLOB images, and partial JSON diffs, need the target's row).
    static func canFold(_ change: RowChangeMessage, plan: TableApplyPlan) -> Bool {
        guard !plan.keyColumns.isEmpty else { return false }
        switch change.operation {
        case .insert:
            return change.after.map { isWhole($0) && hasExactKey($0, plan) } ?? false
        case .delete:
            return change.before.map { hasExactKey($0, plan) } ?? false
        case .update:
            guard let before = change.before, let after = change.after else { return false }
            return hasExactKey(before, plan) && isWhole(after) && hasExactKey(after, plan)
        }
    }

    /// Adds a change that `canFold` accepted, with the same column names as the ones before it.
    mutating func add(_ change: RowChangeMessage) {
        columnNames = change.columnNames
        switch change.operation {
        case .insert:
            guard let after = change.after else { return }
            set(key(after), existing: nil, final: after)
        case .delete:
            guard let before = change.before else { return }
            set(key(before), existing: before, final: nil)
        case .update:
            guard let before = change.before, let after = change.after else { return }
            let oldKey = key(before), newKey = key(after)
            if oldKey != newKey {
                set(oldKey, existing: before, final: nil)
                // The new key did not exist on the source before the update; it may have existed earlier in the run.
                set(newKey, existing: nil, final: after)
            } else {
                set(oldKey, existing: before, final: after)
            }
        }
    }

    /// A key seen for the first time keeps what the target may hold for it; a later change only moves its end.
    private mutating func set(_ key: String, existing: RowImage?, final: RowImage?) {
        bytes += key.utf8.count + (existing?.footprint ?? 0) + (final?.footprint ?? 0)
        if entries[key] != nil {
            entries[key]?.final = final
        } else {
            entries[key] = Entry(existing: existing, final: final)
        }
    }

    /// The statements that bring the target from the run's start to its end; empties the run.
    ///
    /// The keys that may exist are deleted, then the rows that end present are inserted. When the primary key is the
    /// replica's only unique key, a row whose key existed before the run is upserted instead of deleted and inserted:
    /// no row but its own can hold its key, so no order of the upserts can collide. A row whose key is new in the
    /// run is always inserted, so a replica that holds it anyway fails loudly rather than being overwritten. The new
    /// rows' keys all differ, so their order does not matter: where enough can be loaded (`LoadDataRows`), those go
    /// first as one load, the others as INSERT text.
    mutating func drain(into builder: inout RowChangeSQL.Builder) {
        let upserts = plan.primaryKeyIsOnlyUniqueKey
        for entry in entries.values {
            if let existing = entry.existing, !upserts || entry.final == nil { builder.addDelete(existing, names: columnNames) }
        }
        builder.flush()
        let newRows = entries.values.compactMap { entry in entry.existing == nil || !upserts ? entry.final : nil }
        var loaded = plan.loadsNewRows ? newRows.filter(LoadDataRows.canLoad) : []
        if loaded.count < LoadDataRows.minimumRows { loaded = [] }
        for row in loaded { builder.addLoaded(row, names: columnNames) }
        builder.flush()
        for row in newRows where loaded.isEmpty || !LoadDataRows.canLoad(row) { builder.addInsert(row, names: columnNames) }
        builder.flush()
        for entry in entries.values where upserts && entry.existing != nil {
            if let final = entry.final { builder.addUpsert(final, names: columnNames) }
        }
        builder.flush()
        entries.removeAll(keepingCapacity: true)
        bytes = 0
    }

    private func key(_ image: RowImage) -> String {
        var text = ""
        for index in plan.keyColumns {
            if let value = image.values[index] { SQLLiteral.render(value, column: "", into: &text) }
            text += ","
        }
        return text
    }

    private static func isWhole(_ image: RowImage) -> Bool {
        image.values.allSatisfy { value in
            guard let value else { return false }
            if case .jsonDiff = value { return false }
            return true
        }
    }

    private static func hasExactKey(_ image: RowImage, _ plan: TableApplyPlan) -> Bool {
        plan.keyColumns.allSatisfy { index in
            guard index < image.values.count, let value = image.values[index] else { return false }
            switch value {
            case .text, .encoded, .float, .double, .json, .jsonDiff, .null, .geometry: return false
            default: return true
            }
        }
    }
}
