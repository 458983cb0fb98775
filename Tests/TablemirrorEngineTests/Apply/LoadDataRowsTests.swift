import BinlogDecoding
import MariaDBClient
import Testing
@testable import TablemirrorEngine

struct LoadDataRowsTests {
    private let plan = TableApplyPlan(database: "orders", table: "items", keyColumns: [0], loadsNewRows: true)

    private func load(_ rows: [[ColumnValue]], names: [String]) -> TargetStatement? {
        var builder = RowChangeSQL.Builder(plan: plan)
        for row in rows { builder.addLoaded(RowImage(values: row), names: names) }
        let statements = builder.finish()
        #expect(statements.count == 1)
        return statements.first
    }

    @Test func fieldsAreTextExceptBytesAsHexAndIndexesAsNumbers() throws {
        let statement = try #require(load([
            [.signed(1), .text("a\tb\\c\nd\r\u{0}é"), .bytes([0x00, 0xFF]), .enumeration(index: 2, name: "1"), .year(0), .null],
            [.unsigned(2), .text(""), .bytes([]), .set(bits: 5, members: nil), .year(2024), .double(.infinity)],
            [.signed(3), .null, .null, .null, .null, .decimal("-1.50")],
        ], names: ["id", "name", "blob", "kind", "made", "price"]))
        #expect(statement.sql == "LOAD DATA LOCAL INFILE 'tablemirror-rows' INTO TABLE `orders`.`items` CHARACTER SET utf8mb4"
            + " FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\' LINES STARTING BY '' TERMINATED BY '\\n'"
            + " (`id`, `name`, @tm_2, @tm_3, @tm_4, `price`)"
            + " SET `blob` = UNHEX(@tm_2), `kind` = CAST(@tm_3 AS UNSIGNED), `made` = CAST(@tm_4 AS UNSIGNED)")
        // Escape, tab and newline escaped; every other byte (CR, NUL, UTF-8) as it is; NULL and a non-finite
        // DOUBLE (INSERT writes it as NULL) as \N; YEAR 0 as the number 0, not the string '0' (2000).
        #expect(statement.rows == LocalRows(bytes: Array("""
            1\ta\\tb\\\\c\\nd\r\u{0}é\t00FF\t2\t0\t\\N
            2\t\t\t5\t2024\t\\N
            3\t\\N\t\\N\t\\N\t\\N\t-1.50

            """.utf8), count: 3))
    }

    @Test func aRowWrittenAnotherWayStartsAnotherLoadAndAnUnloadableOneIsInserted() {
        var builder = RowChangeSQL.Builder(plan: plan)
        let names = ["id", "value"]
        builder.addLoaded(RowImage(values: [.signed(1), .null]), names: names)
        builder.addLoaded(RowImage(values: [.signed(2), .text("t")]), names: names)
        // The column was text so far: bytes cannot share the load (one way of writing each column per statement).
        builder.addLoaded(RowImage(values: [.signed(3), .bytes([1])]), names: names)
        // Another character set's bytes go as `_charset X'…'`, which only INSERT text can say.
        builder.addLoaded(RowImage(values: [.signed(4), .encoded([0x82, 0xA0], charset: Charset.named("sjis"))]), names: names)
        let statements = builder.finish()
        #expect(statements.map { $0.rows?.count ?? 0 } == [2, 1, 0])
        #expect(statements.last?.sql == "INSERT INTO `orders`.`items` (`id`, `value`) VALUES (4, _sjis X'82A0')")
    }

    @Test func aFoldOfManyNewRowsIsLoadedAndEndsItsText() {
        var group = GroupStatements()
        let table = QualifiedTableName(database: "product", table: "items")
        let upserting = TableApplyPlan(database: "orders", table: "items", keyColumns: [0], primaryKeyIsOnlyUniqueKey: true, loadsNewRows: true)
        let inserts = (1...LoadDataRows.minimumRows).map { rowChange(.insert, after: [.signed(Int64($0)), .text("n")]) }
        // Rows that cannot be loaded (another character set's bytes) among them: inserted together after the load,
        // not one statement each between loads.
        let sjis = (1...3).map { rowChange(.insert, after: [.signed(Int64(500 + $0)), .encoded([0x82, 0xA0], charset: Charset.named("sjis"))]) }
        let update = rowChange(.update, before: [.signed(1000), .text("o")], after: [.signed(1000), .text("u")])
        group.append(["BEGIN"])
        group.add([sjis[0]] + inserts[..<10] + [sjis[1]] + inserts[10...] + [sjis[2], update], to: table, plan: upserting)
        group.closeFolds()
        group.append(["COMMIT"])
        let texts = group.take()
        // The new keys are loaded (insert semantics: a row already there fails the load); the rest comes in the next
        // text, since nothing may follow a load in its own.
        #expect(texts.map(\.rows.count) == [1, 0])
        #expect(texts.first?.sql.hasPrefix("BEGIN;\nLOAD DATA LOCAL INFILE") == true)
        #expect(texts.first?.rows.first?.count == LoadDataRows.minimumRows)
        #expect(texts.last?.sql.components(separatedBy: ";\n").map { $0.prefix(60) } == [
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (501, _sj",
            "INSERT INTO `orders`.`items` (`id`, `name`) VALUES (1000, 'u",
            "COMMIT",
        ])

        // Fewer new rows that can be loaded, or a target whose server refuses loads: INSERT text.
        for (rows, loads) in [(Array(inserts.dropLast()) + sjis, true), (inserts, false)] {
            var plan = upserting
            plan.loadsNewRows = loads
            group.add(rows, to: table, plan: plan)
            group.closeFolds()
            #expect(group.take().allSatisfy { $0.rows.isEmpty && !$0.sql.contains("LOAD DATA") })
        }
    }
}
