import BinlogDecoding
import MariaDBClient

/// `tablemirror dead-letters retry`: the rows a dead-lettered change touched are put right from the source
/// as it is now — through the daemon, at their place in the stream, like a repair (the change itself is
/// stale by then) — and the letters are removed once requested. Fix what made the target refuse them first.
public enum DeadLetterActions {
    public static func retry(_ letters: [DeadLetterStore.Letter], plan: ReplicationPlan,
                             connections: Replicator.Connections) throws -> [TableSelection.Entry] {
        var byTable: [String: (entry: TableSelection.Entry, keys: [[String]], ids: [Int])] = [:]
        for letter in letters {
            let label = "\(letter.target) \(letter.source)"
            if byTable[label] == nil {
                guard let entry = try TableSelection.resolve([letter.source.description], target: letter.target, plan: plan).entries.first else {
                    throw EngineError.invalidArgument("\(letter.source) is no longer mapped to \(letter.target): discard the letter instead")
                }
                byTable[label] = (entry, [], [])
            }
            byTable[label]?.keys += letter.keys
            byTable[label]?.ids.append(letter.id)
        }
        var requested: [TableSelection.Entry] = []
        for (entry, keys, ids) in byTable.values {
            let whole = entry.route.apply.keyColumns.isEmpty || keys.isEmpty
            try CopyRequests.request([entry], reason: "dead-letter retry", keys: whole ? nil : keys, connections: connections)
            guard let options = connections.targets[entry.target.name] else { continue }
            try DeadLetterStore.discard(target: entry.target.name, ids: ids, on: try MariaDBConnection(options))
            requested.append(entry)
        }
        return requested
    }
}
