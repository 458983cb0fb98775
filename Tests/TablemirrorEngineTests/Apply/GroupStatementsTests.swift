import BinlogDecoding
import Testing
@testable import TablemirrorEngine

struct GroupStatementsTests {
    private let plan = TableApplyPlan(database: "orders", table: "items", keyColumns: [0])
    private let table = QualifiedTableName(database: "product", table: "items")

    private func sql(_ changes: [RowChangeMessage], plan: TableApplyPlan? = nil) -> [String] {
        var group = GroupStatements()
        group.add(changes, to: table, plan: plan ?? self.plan)
        group.closeFolds()
        return group.take().map(\.sql).joined(separator: ";\n").components(separatedBy: ";\n")
    }

    @Test func repeatedChangesToOneKeyFoldIntoItsEndState() {
        #expect(sql([
            rowChange(.insert, after: [.signed(1), .text("a")]),
            rowChange(.update, before: [.signed(1), .text("a")], after: [.signed(1), .text("b")]),
            rowChange(.update, before: [.signed(2), .text("x")], after: [.signed(2), .text("y")]),
            rowChange(.update, before: [.signed(1), .text("b")], after: [.signed(1), .text("c")]),
            rowChange(.delete, before: [.signed(3), .text("z")]),
        ]) == [
            // Key 1 began with an insert: it cannot exist before, so it is not deleted.
            "DELETE FROM `orders`.`items` WHERE (`id`) IN ((2), (3))",
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (1, 'c'), (2, 'y')",
        ])
    }

    @Test func aKeyChangeDeletesTheOldKeyAndAReusedKeyIsDeletedFirst() {
        #expect(sql([
            rowChange(.delete, before: [.signed(2), .text("old")]),
            rowChange(.update, before: [.signed(1), .text("a")], after: [.signed(2), .text("a")]),
            rowChange(.insert, after: [.signed(1), .text("new")]),
        ]) == [
            "DELETE FROM `orders`.`items` WHERE (`id`) IN ((2), (1))",
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (2, 'a'), (1, 'new')",
        ])
    }

    @Test func whereThePrimaryKeyIsTheOnlyUniqueKeyRowsThatEndPresentAreUpserted() {
        let upserting = TableApplyPlan(database: "orders", table: "items", keyColumns: [0], primaryKeyIsOnlyUniqueKey: true)
        #expect(sql([
            rowChange(.insert, after: [.signed(1), .text("a")]),
            rowChange(.update, before: [.signed(2), .text("x")], after: [.signed(2), .text("y")]),
            rowChange(.update, before: [.signed(4), .text("p")], after: [.signed(5), .text("p")]),
            rowChange(.delete, before: [.signed(3), .text("z")]),
        ], plan: upserting) == [
            // Only the keys that end deleted are deleted; no other row can hold the upserted rows' keys. Keys new in the
            // run (1, and 5 that 4 moved to) are inserted: a replica holding one anyway fails rather than being overwritten.
            "DELETE FROM `orders`.`items` WHERE (`id`) IN ((4), (3))",
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (1, 'a'), (5, 'p')",
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (2, 'y')"
                + " ON DUPLICATE KEY UPDATE `id` = VALUES(`id`), `name` = VALUES(`name`)",
        ])
    }

    @Test func insertedThenDeletedLeavesNothing() {
        #expect(sql([
            rowChange(.insert, after: [.signed(7), .text("a")]),
            rowChange(.delete, before: [.signed(7), .text("a")]),
        ]) == [""])
    }

    @Test func inexactChangesEndTheFoldAndKeepTheirOrder() {
        // A partial image (MINIMAL) needs the target's row: the folded run before it is written out first.
        #expect(sql([
            rowChange(.update, before: [.signed(1), .text("a")], after: [.signed(1), .text("b")]),
            rowChange(.update, before: [.signed(1), nil], after: [nil, .text("c")]),
            rowChange(.delete, before: [.signed(1), .text("c")]),
        ]) == [
            "DELETE FROM `orders`.`items` WHERE (`id`) IN ((1))",
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (1, 'b')",
            "UPDATE `orders`.`items` SET `name` = 'c' WHERE `id` <=> 1",
            "DELETE FROM `orders`.`items` WHERE (`id`) IN ((1))",
        ])
    }

    @Test func textKeysAreNotFoldedBecauseCollationsDecideEquality() {
        let byName = TableApplyPlan(database: "orders", table: "items", keyColumns: [1])
        #expect(sql([
            rowChange(.insert, after: [.signed(1), .text("a")]),
            rowChange(.delete, before: [.signed(1), .text("A")]),
        ], plan: byName) == [
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (1, 'a')",
            "DELETE FROM `orders`.`items` WHERE (`name`) IN (('A'))",
        ])
    }

    @Test func partialJSONDiffsAreNotFolded() {
        let diff = ColumnValue.jsonDiff([])
        #expect(!FoldedTableChanges.canFold(
            rowChange(.update, before: [.signed(1), .json("{}")], after: [.signed(1), diff]), plan: plan))
    }

    @Test func largeRunsAreWrittenOutAtTheFoldLimit() {
        var group = GroupStatements()
        let inserts = (0..<(GroupStatements.foldLimit + 1)).map { rowChange(.insert, after: [.signed(Int64($0)), .text("r")]) }
        group.add(inserts, to: table, plan: plan)
        // The first `foldLimit` keys are already text; the last is still folded.
        #expect(group.take().map(\.sql).first?.hasPrefix("INSERT INTO") == true)
        group.closeFolds()
        #expect(group.take().map(\.sql) == ["INSERT INTO `orders`.`items` (`id`, `name`) VALUES (\(GroupStatements.foldLimit), 'r')"])
    }

    @Test func largeRowsAreWrittenOutAtTheFoldsBytes() {
        var group = GroupStatements()
        let wide = String(repeating: "w", count: 1 << 20)
        group.add((0..<5).map { rowChange(.insert, after: [.signed(Int64($0)), .text(wide)]) }, to: table, plan: plan)
        // Four rows of 1 MiB fill the fold's 4 MiB: they are text already, the fifth is still folded.
        let written = group.take().map(\.sql).joined(separator: ";\n")
        #expect(written.contains("VALUES (3, 'w") && !written.contains("VALUES (4, 'w"))
        group.closeFolds()
        #expect(group.take().map(\.sql).joined().contains("VALUES (4, 'w"))
    }

    @Test func aVeryLargeStatementIsARoundTripOfItsOwnAndIsNotCopied() {
        var group = GroupStatements()
        let large = "INSERT INTO `orders`.`items` VALUES (1, '" + String(repeating: "x", count: GroupStatements.sendSize) + "')"
        group.append(["BEGIN", large, "COMMIT"])
        #expect(group.isWorthSending)
        #expect(group.take().map(\.sql) == ["BEGIN", large, "COMMIT"])
        group.append(["BEGIN", "SELECT 1"])
        #expect(!group.isWorthSending)
        #expect(group.take().map(\.sql) == ["BEGIN;\nSELECT 1"])
    }
}
