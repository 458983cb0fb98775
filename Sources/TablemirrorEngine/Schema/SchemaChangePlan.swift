import BinlogDecoding

/// What one source statement means for one target: the SQL that makes its replicas follow (names rewritten to
/// the replicas'), and the routes (source table → replica) after it. Pure: computed on the reader's thread from
/// the statement and the routes before it, then carried out by the applier at the statement's place.
struct SchemaChangePlan: Sendable {
    /// Statements to run on the target, in order (each DDL commits on its own).
    var statements: [String]
    /// Replica tables (target names) that the statements touch or create: their read-only guards are lifted
    /// before and their definitions tell whether the statements already ran (after a crash).
    var replicas: [QualifiedTableName]
    /// The target's routes once the statement is applied (key columns of changed tables are read back after).
    var routes: [QualifiedTableName: ReplicationPlan.Route]
    /// Source tables whose replica structure may have changed: guarded and recorded in the schema history after.
    var changed: [QualifiedTableName]
    /// Source tables this target no longer replicates (dropped, or renamed to a name no mapping covers).
    var removed: [QualifiedTableName]
    /// Source tables that appear in the mapping with a structure the stream cannot show (renamed in from an
    /// unmapped name, created LIKE an unmapped table): copied anew from the source, structure and rows.
    var recreated: [QualifiedTableName]
    /// Indexes InnoDB made on the source for foreign keys the replicas do not get: added to these replicas
    /// (target names) unless an index already leads with the same columns.
    var foreignKeyIndexes: [(replica: QualifiedTableName, index: ForeignKeyIndex)] = []
    /// Source tables renamed to another mapped name, their replicas with them: an unfinished copy (a resync)
    /// goes on under the new name.
    var renamed: [(from: QualifiedTableName, to: QualifiedTableName)] = []
    /// Temporary names replicas are renamed to on their way out (dropped first, in case a crash left one): a
    /// table there that tablemirror did not make stops the change instead.
    var parkings: [QualifiedTableName] = []
}

/// Plans schema changes for one target.
struct SchemaChangePlanner {
    /// The route a mapping gives a source table in this target (nil: no mapping covers it).
    var routeFor: (QualifiedTableName) -> ReplicationPlan.Route?
    /// `CHARACTER SET x COLLATE y` of a source database: a CREATE TABLE that names none takes its database's.
    var databaseCharset: (String) throws -> String?

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// The plan for `statement`, or nil when it concerns no table of this target. `suspended` tables are being
    /// copied anew: their structure comes with the copy, so changes to it are not replayed.
    func plan(_ statement: SchemaStatement, routes: [QualifiedTableName: ReplicationPlan.Route],
              suspended: Set<QualifiedTableName> = []) throws -> SchemaChangePlan? {
        var plan = SchemaChangePlan(statements: [], replicas: [], routes: routes, changed: [], removed: [], recreated: [])
        switch statement {
        case .other:
            return nil
        case let .onTable(table, text):
            guard let route = routes[table.name], !suspended.contains(table.name) else { return nil }
            plan.statements = [text.with(route.apply.qualifiedName)]
            plan.replicas = [route.apply.replica]
            plan.changed = [table.name]
        case let .alter(alter):
            let kept = alter.specs.compactMap { spec -> String? in
                if case let .keep(text) = spec { return text }
                return nil
            }
            let indexes = alter.specs.compactMap { spec -> ForeignKeyIndex? in
                if case let .foreignKey(index) = spec { return index }
                return nil
            }
            let renames = alter.specs.compactMap { spec -> TableReference? in
                if case let .rename(to) = spec { return to }
                return nil
            }
            if let route = routes[alter.table.name], !suspended.contains(alter.table.name), !kept.isEmpty {
                plan.statements = [alter.head.with(route.apply.qualifiedName) + " " + kept.joined(separator: ", ")
                               + (alter.tail.isEmpty ? "" : " " + alter.tail)]
                plan.replicas = [route.apply.replica]
                plan.changed = [alter.table.name]
            }
            var from = alter.table
            for to in renames {
                rename([SchemaStatement.RenamePair(from: from, to: to)], in: &plan, suspended: suspended)
                from = to
            }
            if let route = plan.routes[from.name], !suspended.contains(from.name), !indexes.isEmpty {
                plan.foreignKeyIndexes = indexes.map { (route.apply.replica, $0) }
                if plan.replicas.isEmpty { plan.replicas = [route.apply.replica] }
                plan.changed = [from.name]
            }
        case let .rename(pairs):
            rename(pairs, in: &plan, suspended: suspended)
        case let .drop(tables):
            drop(tables.map(\.name), in: &plan)
        case let .dropDatabase(database):
            drop(routes.keys.filter { $0.database == database }.sorted { $0.description < $1.description }, in: &plan)
        case let .exchangePartition(table, other):
            guard routes[table.name] != nil || routes[other.name] != nil else { return nil }
            throw Refused(description: "EXCHANGE PARTITION between \(table.name) and \(other.name) moves rows without row events; resync both after it")
        case let .create(create):
            try self.create(create, in: &plan, suspended: suspended)
        }
        plan.removed = plan.removed.filter { plan.routes[$0] == nil }
        plan.changed = plan.changed.filter { plan.routes[$0] != nil }
        let routesChanged = plan.routes.keys.sorted { $0.description < $1.description } != routes.keys.sorted { $0.description < $1.description }
        guard !plan.statements.isEmpty || routesChanged || !plan.recreated.isEmpty || !plan.foreignKeyIndexes.isEmpty else { return nil }
        return plan
    }

    private func drop(_ tables: [QualifiedTableName], in plan: inout SchemaChangePlan) {
        let dropped = tables.compactMap { table in plan.routes[table].map { (table, $0) } }
        guard !dropped.isEmpty else { return }
        plan.statements.append("DROP TABLE IF EXISTS " + dropped.map(\.1.apply.qualifiedName).joined(separator: ", "))
        for (table, route) in dropped {
            plan.replicas.append(route.apply.replica)
            plan.routes[table] = nil
            plan.removed.append(table)
        }
    }

    private func create(_ create: SchemaStatement.CreateTable, in plan: inout SchemaChangePlan,
                        suspended: Set<QualifiedTableName>) throws {
        let name = create.table.name
        if plan.routes[name] != nil && create.ifNotExists { return }  // the source had the table: nothing happened
        if suspended.contains(name) { return }  // its copy brings the table as it is later
        guard let route = plan.routes[name] ?? routeFor(name) else { return }
        let replica = route.apply.qualifiedName
        switch create.body {
        case let .like(other):
            guard let model = plan.routes[other.name], !suspended.contains(other.name) else {
                plan.routes[name] = route
                plan.recreated.append(name)
                return
            }
            plan.statements = ["CREATE OR REPLACE TABLE \(replica) LIKE \(model.apply.qualifiedName)"]
        case let .definitions(elements, foreignKeyIndexes, options, setsCharset):
            plan.foreignKeyIndexes = foreignKeyIndexes.map { (route.apply.replica, $0) }
            // The charset goes first among the options: they end with partitioning, which no table option may follow.
            let charset = setsCharset ? nil : try databaseCharset(name.database)
            // OR REPLACE: a replica of that name left from before gives way, in one statement (a crash cannot
            // fall between dropping it and creating the new one).
            plan.statements = ["CREATE OR REPLACE TABLE \(replica) (" + elements.joined(separator: ", ") + ")"
                               + (charset.map { " DEFAULT " + $0 } ?? "") + (options.isEmpty ? "" : " " + options)]
        }
        plan.routes[name] = route
        plan.replicas = [route.apply.replica]
        plan.changed = [name]
    }

    /// Follows each table through the pairs. A replica whose table leaves the mapping is parked under a temporary
    /// name (it may come back later in the same statement, as in a swap through a third name) and dropped at the
    /// end if it does not; a table that enters the mapping from outside it is copied anew.
    private func rename(_ pairs: [SchemaStatement.RenamePair], in plan: inout SchemaChangePlan, suspended: Set<QualifiedTableName>) {
        var targetPairs: [(from: String, to: String)] = []
        var parked: [QualifiedTableName: (name: String, route: ReplicationPlan.Route)] = [:]
        var parkings: [String] = []
        // Replicas of tables being copied anew that leave under another name: nothing fills them any more.
        var vacated: [ReplicationPlan.Route] = []
        // Tables whose replica a copy will make (earlier pairs may have just named one): nothing to rename.
        func copiedAnew(_ table: QualifiedTableName) -> Bool { suspended.contains(table) || plan.recreated.contains(table) }
        for pair in pairs {
            let from = pair.from.name, to = pair.to.name
            if let route = plan.routes[from] {
                plan.routes[from] = nil
                if copiedAnew(from) {
                    if suspended.contains(from) { vacated.append(route) }
                    plan.recreated.removeAll { $0 == from }
                    plan.removed.append(from)
                    if let destination = routeFor(to) {
                        plan.routes[to] = destination
                        plan.recreated.append(to)
                    }
                    continue
                }
                plan.replicas.append(route.apply.replica)
                if var destination = routeFor(to), !copiedAnew(to) {
                    destination.apply.keyColumns = route.apply.keyColumns
                    plan.routes[to] = destination
                    plan.renamed.append((from, to))
                    targetPairs.append((route.apply.qualifiedName, destination.apply.qualifiedName))
                    plan.replicas.append(destination.apply.replica)
                    plan.changed.append(to)
                } else {
                    let parkingName = QualifiedTableName(database: route.apply.database, table: "_tablemirror_parked_\(targetPairs.count)")
                    plan.parkings.append(parkingName)
                    let parking = parkingName.quoted
                    targetPairs.append((route.apply.qualifiedName, parking))
                    parkings.append(parking)
                    parked[to] = (parking, route)
                    plan.removed.append(from)
                }
            } else if let (parking, route) = parked.removeValue(forKey: from) {
                if var destination = routeFor(to), !copiedAnew(to) {
                    destination.apply.keyColumns = route.apply.keyColumns
                    plan.routes[to] = destination
                    plan.renamed.append((route.source, to))
                    targetPairs.append((parking, destination.apply.qualifiedName))
                    plan.replicas.append(destination.apply.replica)
                    plan.changed.append(to)
                } else {
                    parked[to] = (parking, route)
                }
            } else if let destination = routeFor(to) {
                plan.routes[to] = destination
                plan.recreated.append(to)
            }
        }
        var drops: [String] = []
        for (parking, route) in parked.values {
            // A replica whose name a table copied anew takes keeps serving its old rows until the copy replaces it.
            if plan.recreated.contains(where: { plan.routes[$0]?.apply.qualifiedName == route.apply.qualifiedName }) {
                targetPairs.removeAll { $0.to == parking }
            } else {
                drops.append(parking)
            }
        }
        // One whose name a table still routed here takes keeps serving until that table's copy replaces it.
        for route in vacated where !plan.routes.values.contains(where: { $0.apply.replica == route.apply.replica }) {
            drops.append(route.apply.qualifiedName)
            plan.replicas.append(route.apply.replica)
        }
        if !targetPairs.isEmpty {
            // A parking name left by a crash between an earlier rename and its drop must not be in the way.
            if !parkings.isEmpty { plan.statements.append("DROP TABLE IF EXISTS " + parkings.joined(separator: ", ")) }
            plan.statements.append("RENAME TABLE " + targetPairs.map { "\($0.from) TO \($0.to)" }.joined(separator: ", "))
        }
        if !drops.isEmpty { plan.statements.append("DROP TABLE IF EXISTS " + drops.sorted().joined(separator: ", ")) }
    }
}

extension SchemaChangePlan {
    /// The plan with nothing to run on the target: every table it touches there belongs to someone else. The
    /// routes change as planned (so the checkpoint moves past the statement), the tables are left alone.
    var leavingTablesAlone: SchemaChangePlan {
        var plan = self
        plan.statements = []
        plan.replicas = []
        plan.changed = []
        plan.recreated = []
        plan.foreignKeyIndexes = []
        plan.renamed = []
        plan.parkings = []
        return plan
    }
}

extension QualifiedTableName {
    /// `db`.`table`, quoted for SQL.
    var quoted: String { SQLLiteral.identifier(database) + "." + SQLLiteral.identifier(table) }
}

extension TableApplyPlan {
    var replica: QualifiedTableName { QualifiedTableName(database: database, table: table) }
}
