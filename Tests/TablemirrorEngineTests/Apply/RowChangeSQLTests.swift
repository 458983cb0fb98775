import BinlogDecoding
import Testing
@testable import TablemirrorEngine

struct RowChangeSQLTests {
    private let plan = TableApplyPlan(database: "orders", table: "items", keyColumns: [0])

    @Test func runsOfTheSameKindShareAStatementAndOrderIsKept() {
        let statements = RowChangeSQL.statements(for: [
            rowChange(.insert, after: [.signed(1), .text("a")]),
            rowChange(.insert, after: [.signed(2), .text("b")]),
            rowChange(.update, before: [.signed(1), .text("a")], after: [.signed(1), .text("a2")]),
            rowChange(.update, before: [.signed(2), .text("b")], after: [.signed(3), .text("b")]),
            rowChange(.delete, before: [.signed(1), .text("a2")]),
            rowChange(.delete, before: [.signed(3), .text("b")]),
        ], plan: plan)
        #expect(statements == [
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (1, 'a'), (2, 'b')",
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (1, 'a2') ON DUPLICATE KEY UPDATE `id` = VALUES(`id`), `name` = VALUES(`name`)",
            "UPDATE `orders`.`items` SET `id` = 3, `name` = 'b' WHERE `id` <=> 2",
            "DELETE FROM `orders`.`items` WHERE (`id`) IN ((1), (3))",
        ])
    }

    @Test func tablesWithoutKeyMatchWholeRowsOneAtATime() {
        let statements = RowChangeSQL.statements(for: [
            rowChange(.update, before: [.signed(1), .null], after: [.signed(1), .text("x")]),
            rowChange(.delete, before: [.signed(1), .text("x")]),
        ], plan: TableApplyPlan(database: "orders", table: "log", keyColumns: []))
        #expect(statements == [
            "UPDATE `orders`.`log` SET `id` = 1, `name` = 'x' WHERE `id` <=> 1 AND `name` <=> NULL LIMIT 1",
            "DELETE FROM `orders`.`log` WHERE `id` <=> 1 AND `name` <=> 'x' LIMIT 1",
        ])
    }

    @Test func partialImagesUpdateOnlyWhatTheyCarry() {
        let statements = RowChangeSQL.statements(for: [
            rowChange(.update, before: [.signed(5), nil], after: [nil, .text("new")]),
        ], plan: plan)
        #expect(statements == ["UPDATE `orders`.`items` SET `name` = 'new' WHERE `id` <=> 5"])
    }
}

struct RowChangeSQLEdgeTests {
    @Test func partialJSONUpdatesAreNeverUpserts() {
        // An upsert's VALUES(doc) would be the column default, not the stored document the diff applies to.
        let statements = RowChangeSQL.statements(for: [
            rowChange(.update, before: [.signed(5), .json("{}")], after: [.signed(5), .jsonDiff([])]),
        ], plan: TableApplyPlan(database: "orders", table: "items", keyColumns: [0]))
        #expect(statements.count == 1)
        #expect(statements[0].hasPrefix("UPDATE `orders`.`items` SET"), "\(statements)")
    }

    @Test func keylessMatchesCompareFloatsAsTheDoublesTheyAreStoredAs() {
        let statements = RowChangeSQL.statements(for: [rowChange(.delete, before: [.signed(1), .float(1.1)])],
                                                 plan: TableApplyPlan(database: "orders", table: "log", keyColumns: []))
        #expect(statements == ["DELETE FROM `orders`.`log` WHERE `id` <=> 1 AND `name` <=> 1.100000023841858e0 LIMIT 1"])
    }
}
