import BinlogDecoding
import Testing
@testable import TablemirrorEngine

struct SchemaStatementTests {
    private func parse(_ text: String) throws -> SchemaStatement {
        try SchemaStatement.parse(text, database: "product")
    }

    private func table(_ name: String, in database: String = "product") -> QualifiedTableName {
        QualifiedTableName(database: database, table: name)
    }

    @Test func alterKeepsItsChangesAndSeesThroughTheHead() throws {
        guard case let .alter(alter) = try parse("ALTER ONLINE IGNORE TABLE IF EXISTS shop.`items` WAIT 3 ADD COLUMN c INT AFTER b, DROP d, ALGORITHM=COPY;") else {
            Issue.record("not an ALTER")
            return
        }
        #expect(alter.table.name == table("items", in: "shop"))
        #expect(alter.head.with("`x`.`y`") == "ALTER ONLINE IGNORE TABLE IF EXISTS `x`.`y` WAIT 3")
        #expect(alter.specs == [.keep("ADD COLUMN c INT AFTER b"), .keep("DROP d"), .keep("ALGORITHM=COPY")])
        #expect(alter.tail == "")  // the final `;` is not kept: one statement is sent at a time
    }

    @Test func alterSetsForeignKeysApartAndDropsConstraintsOnlyIfThere() throws {
        guard case let .alter(alter) = try parse("""
            ALTER TABLE items ADD CONSTRAINT fk_cat FOREIGN KEY (cat) REFERENCES categories (id), DROP FOREIGN KEY fk_old,
              ADD FOREIGN KEY (x) REFERENCES y (id), DROP CONSTRAINT chk_price, ADD INDEX (cat)
            """) else {
            Issue.record("not an ALTER")
            return
        }
        #expect(alter.specs == [
            .foreignKey(ForeignKeyIndex(name: "fk_cat", columns: ["cat"])), .foreignKey(nil), .foreignKey(ForeignKeyIndex(name: "x", columns: ["x"], isNamed: false)),
            .keep("DROP CONSTRAINT IF EXISTS `chk_price`"), .keep("ADD INDEX (cat)"),
        ])
        // Named after the constraint, else the index name, else the first column (as InnoDB names it).
        guard case let .alter(named) = try parse("ALTER TABLE c ADD FOREIGN KEY by_ab (`a`, b) REFERENCES p (x, y)") else {
            Issue.record("not an ALTER")
            return
        }
        #expect(named.specs == [.foreignKey(ForeignKeyIndex(name: "by_ab", columns: ["a", "b"]))])
        guard case let .alter(unnamed) = try parse("ALTER TABLE c ADD FOREIGN KEY IF NOT EXISTS (a) REFERENCES p (x) ON DELETE CASCADE") else {
            Issue.record("not an ALTER")
            return
        }
        #expect(unnamed.specs == [.foreignKey(ForeignKeyIndex(name: "a", columns: ["a"], isNamed: false))])
    }

    @Test func alterRenamesTheTableButNotItsColumnsOrKeys() throws {
        guard case let .alter(alter) = try parse("ALTER TABLE items RENAME COLUMN a TO b, RENAME INDEX i TO j, RENAME TO archive.items_old") else {
            Issue.record("not an ALTER")
            return
        }
        #expect(alter.specs.count == 3)
        #expect(alter.specs.prefix(2) == [.keep("RENAME COLUMN a TO b"), .keep("RENAME INDEX i TO j")])
        guard case let .rename(to) = alter.specs[2] else {
            Issue.record("no table rename")
            return
        }
        #expect(to.name == table("items_old", in: "archive"))
    }

    @Test func aStatementRunWithSettingsIsTheStatementWithThem() throws {
        guard case let .alter(alter) = try parse("SET STATEMENT lock_wait_timeout = 5, max_statement_time = 60 FOR ALTER TABLE items MODIFY qty BIGINT") else {
            Issue.record("not an ALTER")
            return
        }
        #expect(alter.head.with("`o`.`items`") == "SET STATEMENT lock_wait_timeout = 5, max_statement_time = 60 FOR ALTER TABLE `o`.`items`")
        #expect(alter.specs == [.keep("MODIFY qty BIGINT")])
        #expect(try parse("SET @a = 1") == .other)
    }

    /// An executable comment's content is code, rebuilt without the comment around it.
    @Test func anExecutableCommentIsReadAsCode() throws {
        let text = "/*!40000 ALTER TABLE `items` DISABLE KEYS */;"
        guard case let .alter(alter) = try parse(text) else {
            Issue.record("not an ALTER")
            return
        }
        #expect(alter.head.with("`o`.`items`") + " DISABLE KEYS" + alter.tail == "ALTER TABLE `o`.`items` DISABLE KEYS")
    }

    /// A statement that is replayed is one statement; compound ones (a trigger's body) are not replayed at all.
    @Test func aSecondStatementInAReplayedOneIsAParseError() throws {
        #expect(throws: SchemaStatement.ParseError.self) { try parse("ALTER TABLE items ADD c INT; DROP TABLE orders.victim") }
        #expect(try parse("CREATE TRIGGER t BEFORE INSERT ON items FOR EACH ROW BEGIN SET @a = 1; SET @b = 2; END") == .other)
    }

    /// In sjis, gbk or big5 a character's second byte may be a backtick or a backslash: such statements are
    /// refused, naming their table, rather than misread.
    @Test func aStatementInAnAmbiguousCharacterSetIsRefusedWithItsTable() {
        #expect {
            try SchemaStatement.parse("ALTER TABLE items ADD c INT", database: "product", session: QuerySessionSettings(clientCollation: 28))
        } throws: { error in
            (error as? SchemaStatement.ParseError)?.table == QualifiedTableName(database: "product", table: "items")
        }
    }

    @Test func exchangePartitionNamesBothTables() throws {
        guard case let .exchangePartition(partitioned, other) = try parse("ALTER TABLE sales EXCHANGE PARTITION p1 WITH TABLE old.sales_p1") else {
            Issue.record("not an EXCHANGE PARTITION")
            return
        }
        #expect(partitioned.name == table("sales"))
        #expect(other.name == table("sales_p1", in: "old"))
    }

    @Test func renameListsItsPairsInOrder() throws {
        guard case let .rename(pairs) = try parse("RENAME TABLE items TO _items_old, _items_new TO items, other.a TO b") else {
            Issue.record("not a RENAME")
            return
        }
        #expect(pairs.map { [$0.from.name, $0.to.name] } == [
            [table("items"), table("_items_old")], [table("_items_new"), table("items")], [table("a", in: "other"), table("b")],
        ])
    }

    @Test func statementsAboutOneTableReplayWithTheNameReplaced() throws {
        for (text, expected) in [
            ("TRUNCATE stock", "TRUNCATE `o`.`r`"),
            ("TRUNCATE TABLE product.stock;", "TRUNCATE TABLE `o`.`r`"),
            ("CREATE UNIQUE INDEX IF NOT EXISTS by_sku ON stock (sku)", "CREATE UNIQUE INDEX IF NOT EXISTS by_sku ON `o`.`r` (sku)"),
            ("DROP INDEX by_sku ON stock", "DROP INDEX by_sku ON `o`.`r`"),
        ] {
            guard case let .onTable(reference, around) = try parse(text) else {
                Issue.record("\(text) is not about one table")
                continue
            }
            #expect(reference.name == table("stock"))
            #expect(around.with("`o`.`r`") == expected)
        }
    }

    @Test func dropNamesEveryTableAndWholeDatabases() throws {
        #expect(try parse("DROP TABLE IF EXISTS a, shop.b /* generated by server */").droppedNames == [table("a"), table("b", in: "shop")])
        #expect(try parse("DROP DATABASE IF EXISTS `shop`") == .dropDatabase("shop"))
    }

    @Test func createKeepsDefinitionsWithoutForeignKeysAndTellsWhetherItSetsACharset() throws {
        guard case let .create(create) = try parse("""
            CREATE TABLE IF NOT EXISTS batch_1 (id INT PRIMARY KEY, item INT, CONSTRAINT fk FOREIGN KEY (item) REFERENCES items (id),
              FOREIGN KEY (id) REFERENCES x (id), KEY (item)) ENGINE=InnoDB
            """), case let .definitions(elements, foreignKeyIndexes, options, setsCharset) = create.body else {
            Issue.record("not a CREATE with definitions")
            return
        }
        #expect(create.table.name == table("batch_1"))
        #expect(create.ifNotExists)
        #expect(elements == ["id INT PRIMARY KEY", "item INT", "KEY (item)"])
        #expect(foreignKeyIndexes == [ForeignKeyIndex(name: "fk", columns: ["item"]), ForeignKeyIndex(name: "id", columns: ["id"], isNamed: false)])
        #expect(options == "ENGINE=InnoDB")
        #expect(!setsCharset)
        guard case let .create(withCharset) = try parse("CREATE TABLE t (a INT) DEFAULT CHARSET=latin1"),
              case let .definitions(_, _, _, charsetSet) = withCharset.body else {
            Issue.record("not a CREATE")
            return
        }
        #expect(charsetSet)
    }

    @Test func createLikeNamesItsModel() throws {
        for text in ["CREATE TABLE b2 LIKE items", "CREATE TABLE b2 (LIKE items)"] {
            guard case let .create(create) = try parse(text), case let .like(model) = create.body else {
                Issue.record("\(text) is not a CREATE LIKE")
                continue
            }
            #expect(create.table.name == table("b2"))
            #expect(model.name == table("items"))
        }
    }

    @Test func createFromASelectCannotBeReplayedAndSaysForWhichTable() {
        for text in ["CREATE TABLE copy_1 AS SELECT * FROM items", "CREATE TABLE copy_1 (a INT) SELECT a FROM items"] {
            do throws(SchemaStatement.ParseError) {
                _ = try SchemaStatement.parse(text, database: "product")
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.table == table("copy_1"))
                #expect(error.message.contains("SELECT"))
            }
        }
    }

    @Test(arguments: [
        "CREATE TEMPORARY TABLE t (a INT)", "DROP TEMPORARY TABLE IF EXISTS t", "CREATE VIEW v AS SELECT 1", "GRANT SELECT ON *.* TO u",
        "CREATE DATABASE shop", "ALTER DATABASE shop CHARACTER SET utf8mb4", "CREATE TRIGGER t BEFORE INSERT ON items FOR EACH ROW SET @a = 1",
        "FLUSH TABLES", "ANALYZE TABLE items",
    ])
    func statementsThatChangeNoTableAreOther(_ text: String) throws {
        #expect(try parse(text) == .other)
    }

    @Test func anUnterminatedStatementIsAParseError() {
        #expect(throws: SchemaStatement.ParseError.self) { try parse("ALTER TABLE `items ADD c INT") }
    }
}

private extension SchemaStatement {
    var droppedNames: [QualifiedTableName] {
        if case let .drop(tables) = self { return tables.map(\.name) }
        return []
    }
}
