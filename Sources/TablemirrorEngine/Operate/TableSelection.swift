import BinlogDecoding
import MariaDBClient

/// The mapped tables an operator names on the command line (`product.items`, or `items` when only one source
/// database has it), in the targets they go to (one target, or all).
public struct TableSelection: Sendable {
    public struct Entry: Sendable {
        public var target: Configuration.Target
        public var route: ReplicationPlan.Route
    }

    public var entries: [Entry]

    /// Every mapped table when `names` is empty. A name that matches no mapped table is an error.
    public static func resolve(_ names: [String], target: String?, plan: ReplicationPlan) throws -> TableSelection {
        if let target, !plan.targets.contains(where: { $0.target.name == target }) {
            throw EngineError.invalidArgument("no target named \(target) in the configuration")
        }
        let targets = plan.targets.filter { target == nil || $0.target.name == target }
        var entries: [Entry] = []
        for targetPlan in targets {
            for route in targetPlan.routes.values.sorted(by: { $0.source.description < $1.source.description })
            where names.isEmpty || names.contains(where: { matches($0, route.source) }) {
                entries.append(Entry(target: targetPlan.target, route: route))
            }
        }
        for name in names where !entries.contains(where: { matches(name, $0.route.source) }) {
            throw EngineError.invalidArgument("\(name) is not a mapped table\(target.map { " of target \($0)" } ?? "") (name it as database.table, as on the source)")
        }
        return TableSelection(entries: entries)
    }

    private static func matches(_ name: String, _ table: QualifiedTableName) -> Bool {
        name == table.description || name == table.table
    }
}
