import BinlogDecoding
import Testing
@testable import TablemirrorEngine

/// A target that replicates `product.items` and `product.batch_*` into `orders`, under the same table names.
struct SchemaChangePlannerTests {
    private static func table(_ name: String) -> QualifiedTableName {
        QualifiedTableName(database: "product", table: name)
    }

    private static func route(_ name: QualifiedTableName) -> ReplicationPlan.Route? {
        guard name.database == "product", name.table == "items" || name.table.hasPrefix("batch_") else { return nil }
        return ReplicationPlan.Route(source: name, apply: TableApplyPlan(database: "orders", table: name.table, keyColumns: [0]))
    }

    private let planner = SchemaChangePlanner(routeFor: route, databaseCharset: { _ in "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci" })

    private func routes(_ names: String...) -> [QualifiedTableName: ReplicationPlan.Route] {
        Dictionary(uniqueKeysWithValues: names.compactMap { name in Self.route(Self.table(name)).map { (Self.table(name), $0) } })
    }

    private func plan(_ text: String, routes: [QualifiedTableName: ReplicationPlan.Route],
                      suspended: Set<QualifiedTableName> = []) throws -> SchemaChangePlan? {
        try planner.plan(SchemaStatement.parse(text, database: "product"), routes: routes, suspended: suspended)
    }

    @Test func anAlterRunsOnTheReplicaUnderItsName() throws {
        let plan = try #require(try plan("ALTER TABLE items ADD COLUMN c INT AFTER b, ADD FOREIGN KEY (c) REFERENCES x (id)", routes: routes("items")))
        #expect(plan.statements == ["ALTER TABLE `orders`.`items` ADD COLUMN c INT AFTER b"])
        #expect(plan.replicas == [QualifiedTableName(database: "orders", table: "items")])
        #expect(plan.changed == [Self.table("items")])
        #expect(plan.removed.isEmpty && plan.recreated.isEmpty)
    }

    @Test func aForeignKeyLeavesOnlyTheIndexInnoDBMakesForIt() throws {
        let plan = try #require(try plan("ALTER TABLE items ADD CONSTRAINT fk_cat FOREIGN KEY (cat) REFERENCES categories (id)", routes: routes("items")))
        #expect(plan.statements.isEmpty)
        #expect(plan.foreignKeyIndexes.map(\.replica) == [QualifiedTableName(database: "orders", table: "items")])
        #expect(plan.foreignKeyIndexes.map(\.index) == [ForeignKeyIndex(name: "fk_cat", columns: ["cat"])])
        let created = try #require(try self.plan("CREATE TABLE batch_3 (id INT PRIMARY KEY, item INT, FOREIGN KEY (item) REFERENCES items (id))",
                                                 routes: routes("items")))
        #expect(created.foreignKeyIndexes.map(\.index) == [ForeignKeyIndex(name: "item", columns: ["item"], isNamed: false)])
    }

    @Test func changesToOtherTablesOrOnlyDroppingForeignKeysAreIgnored() throws {
        #expect(try plan("ALTER TABLE customers ADD COLUMN c INT", routes: routes("items")) == nil)
        #expect(try plan("TRUNCATE customers", routes: routes("items")) == nil)
        #expect(try plan("ALTER TABLE items DROP FOREIGN KEY fk", routes: routes("items")) == nil)
        #expect(try plan("CREATE TABLE customers (id INT)", routes: routes("items")) == nil)
        #expect(try plan("DROP TABLE customers", routes: routes("items")) == nil)
    }

    @Test func aTableCoveredByAPatternIsCreatedWithItsDatabasesCharset() throws {
        let plan = try #require(try plan("CREATE TABLE batch_7 (id INT PRIMARY KEY)", routes: routes("items")))
        #expect(plan.statements == [
            "CREATE OR REPLACE TABLE `orders`.`batch_7` (id INT PRIMARY KEY) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
        ])
        #expect(plan.routes.keys.sorted { $0.table < $1.table } == [Self.table("batch_7"), Self.table("items")])
        #expect(try self.plan("CREATE TABLE IF NOT EXISTS batch_7 (id INT)", routes: routes("batch_7")) == nil)
        let partitioned = try #require(try self.plan("CREATE TABLE batch_8 (id INT) ENGINE=InnoDB PARTITION BY HASH (id) PARTITIONS 2",
                                                     routes: [:]))
        #expect(partitioned.statements == ["CREATE OR REPLACE TABLE `orders`.`batch_8` (id INT) DEFAULT CHARACTER SET utf8mb4 COLLATE "
            + "utf8mb4_general_ci ENGINE=InnoDB PARTITION BY HASH (id) PARTITIONS 2"])
    }

    @Test func createLikeAReplicatedTableCopiesTheReplicasDefinition() throws {
        let plan = try #require(try plan("CREATE TABLE batch_8 LIKE batch_7", routes: routes("batch_7")))
        #expect(plan.statements == ["CREATE OR REPLACE TABLE `orders`.`batch_8` LIKE `orders`.`batch_7`"])
        #expect(plan.recreated.isEmpty)
    }

    @Test func createLikeAnUnreplicatedTableIsCopiedAnew() throws {
        let plan = try #require(try plan("CREATE TABLE batch_8 LIKE template", routes: routes("items")))
        #expect(plan.statements.isEmpty)
        #expect(plan.recreated == [Self.table("batch_8")])
        #expect(plan.routes[Self.table("batch_8")] != nil)
    }

    @Test func aTableRenamedOutOfTheMappingsIsDropped() throws {
        let plan = try #require(try plan("RENAME TABLE items TO items_archive", routes: routes("items")))
        #expect(plan.statements == [
            "DROP TABLE IF EXISTS `orders`.`_tablemirror_parked_0`",
            "RENAME TABLE `orders`.`items` TO `orders`.`_tablemirror_parked_0`",
            "DROP TABLE IF EXISTS `orders`.`_tablemirror_parked_0`",
        ])
        #expect(plan.removed == [Self.table("items")])
        #expect(plan.routes.isEmpty)
    }

    @Test func aSwapThroughAThirdNameRenamesTheReplicas() throws {
        let plan = try #require(try plan("RENAME TABLE batch_a TO tmp, batch_b TO batch_a, tmp TO batch_b", routes: routes("batch_a", "batch_b")))
        #expect(plan.statements == [
            "DROP TABLE IF EXISTS `orders`.`_tablemirror_parked_0`",
            "RENAME TABLE `orders`.`batch_a` TO `orders`.`_tablemirror_parked_0`, `orders`.`batch_b` TO `orders`.`batch_a`, "
                + "`orders`.`_tablemirror_parked_0` TO `orders`.`batch_b`",
        ])
        #expect(plan.removed.isEmpty && plan.recreated.isEmpty)
        #expect(Set(plan.changed) == [Self.table("batch_a"), Self.table("batch_b")])
        #expect(plan.renamed.map { [$0.from, $0.to] } == [[Self.table("batch_b"), Self.table("batch_a")], [Self.table("batch_a"), Self.table("batch_b")]])
    }

    @Test func aShadowTableSwappedInIsCopiedAnewWhileTheOldReplicaServes() throws {
        let plan = try #require(try plan("RENAME TABLE items TO _items_old, _items_new TO items", routes: routes("items")))
        #expect(plan.statements.isEmpty)
        #expect(plan.recreated == [Self.table("items")])
        #expect(plan.removed.isEmpty)
    }

    @Test func aSuspendedTableTakesNoChangesItsCopyWillBring() throws {
        let suspended: Set = [Self.table("batch_9")]
        let all = routes("items", "batch_9")
        #expect(try plan("ALTER TABLE batch_9 ADD c INT", routes: all, suspended: suspended) == nil)
        #expect(try plan("CREATE TABLE batch_9 (id INT)", routes: all, suspended: suspended) == nil)
        // Renamed over a table being copied anew: the replica of the old name goes, the copy brings the new one.
        let plan = try #require(try plan("RENAME TABLE items TO batch_9", routes: all, suspended: suspended))
        #expect(plan.statements == [
            "DROP TABLE IF EXISTS `orders`.`_tablemirror_parked_0`",
            "RENAME TABLE `orders`.`items` TO `orders`.`_tablemirror_parked_0`",
            "DROP TABLE IF EXISTS `orders`.`_tablemirror_parked_0`",
        ])
        #expect(plan.removed == [Self.table("items")])
    }

    @Test func aTableBeingCopiedAnewRenamedAwayLeavesNoReplicaBehind() throws {
        let plan = try #require(try plan("RENAME TABLE batch_9 TO batch_10", routes: routes("batch_9"), suspended: [Self.table("batch_9")]))
        #expect(plan.statements == ["DROP TABLE IF EXISTS `orders`.`batch_9`"])
        #expect(plan.replicas == [QualifiedTableName(database: "orders", table: "batch_9")])
        #expect(plan.removed == [Self.table("batch_9")])
        #expect(plan.recreated == [Self.table("batch_10")])
        let away = try #require(try self.plan("RENAME TABLE batch_9 TO archive_9", routes: routes("batch_9"), suspended: [Self.table("batch_9")]))
        #expect(away.statements == ["DROP TABLE IF EXISTS `orders`.`batch_9`"])
        #expect(away.routes.isEmpty)
    }

    @Test func aSwapOfTablesBeingCopiedAnewMovesTheCopies() throws {
        let suspended: Set = [Self.table("batch_a"), Self.table("batch_b")]
        let plan = try #require(try plan("RENAME TABLE batch_a TO batch_tmp, batch_b TO batch_a, batch_tmp TO batch_b",
                                         routes: routes("batch_a", "batch_b"), suspended: suspended))
        #expect(plan.statements.isEmpty)
        #expect(plan.recreated == [Self.table("batch_a"), Self.table("batch_b")])
        #expect(plan.removed == [Self.table("batch_tmp")])
        #expect(Set(plan.routes.keys) == [Self.table("batch_a"), Self.table("batch_b")])
    }

    @Test func dropsOnlyTheReplicatedTables() throws {
        let plan = try #require(try plan("DROP TABLE IF EXISTS customers, batch_1, items", routes: routes("items", "batch_1")))
        #expect(plan.statements == ["DROP TABLE IF EXISTS `orders`.`batch_1`, `orders`.`items`"])
        #expect(Set(plan.removed) == [Self.table("items"), Self.table("batch_1")])
        let database = try #require(try self.plan("DROP DATABASE product", routes: routes("items", "batch_1")))
        #expect(database.statements == ["DROP TABLE IF EXISTS `orders`.`batch_1`, `orders`.`items`"])
    }

    @Test func exchangingAPartitionOfAReplicatedTableIsRefused() throws {
        #expect(throws: SchemaChangePlanner.Refused.self) {
            try plan("ALTER TABLE items EXCHANGE PARTITION p0 WITH TABLE items_p0", routes: routes("items"))
        }
        #expect(try plan("ALTER TABLE sales EXCHANGE PARTITION p0 WITH TABLE sales_p0", routes: routes("items")) == nil)
    }
}
