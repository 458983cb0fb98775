import Foundation
import MariaDBClient
import TestSupport
@testable import TablemirrorEngine

/// A product database whose tables change structure while rows change: the schema-change tests' workload.
/// `orders` replicates every source table (`db.*`), so renames, creations and shadow tables stay mapped there;
/// `purchasing` replicates `items` by name and `batch_*` by pattern, so a shadow-table swap brings in a table
/// it did not follow, and tables outside its mapping come and go unseen.
struct SchemaChangeWorkload {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_ssrc_\(id)" }
    var orders: String { "tm_sord_\(id)" }
    var purchasing: String { "tm_spur_\(id)" }
    var ordersTarget: String { "s_orders_\(id)" }
    var purchasingTarget: String { "s_purchasing_\(id)" }

    var schema: String {
        """
        CREATE DATABASE \(source) CHARACTER SET utf8mb4; CREATE DATABASE \(orders); CREATE DATABASE \(purchasing); USE \(source);
        CREATE TABLE items (id INT PRIMARY KEY, sku VARCHAR(20) NOT NULL, name VARCHAR(60), price DECIMAL(10,2),
          data VARBINARY(16), flag TINYINT UNSIGNED, UNIQUE KEY (sku));
        CREATE TABLE categories (code VARCHAR(16) PRIMARY KEY, label VARCHAR(40) CHARACTER SET utf8mb4) ;
        CREATE TABLE stock (item_id INT, warehouse_id INT, qty INT, PRIMARY KEY (item_id, warehouse_id));
        INSERT INTO items SELECT seq, CONCAT('s', seq), CONCAT('item ', seq, ' ü'), seq / 4, UNHEX(HEX(seq)), 200 + seq % 50 FROM seq_1_to_300;
        INSERT INTO categories VALUES ('tools', 'Tools'), ('garden', 'Gärten');
        INSERT INTO stock SELECT seq, 100 + seq % 3, seq FROM seq_1_to_200;
        """
    }

    var configuration: String {
        let user = TestServer.options()
        let server = "host: \(user.host), port: \(user.port), user: \(user.user), password_env: TM_TEST_PASSWORD"
        return """
            source: { \(server), server_id: \(6000 + id % 1000) }
            targets:
              \(ordersTarget): { \(server), database: \(orders) }
              \(purchasingTarget): { \(server), database: \(purchasing) }
            admin: { listen: "127.0.0.1:\(adminTestPort(id))" }
            mappings:
              - { source: "\(source).*", targets: [\(ordersTarget)] }
              - { source: \(source).items, targets: [\(purchasingTarget)] }
              - { source: "\(source).batch_*", targets: [\(purchasingTarget)] }
            """
    }

    var adminURL: String { "http://127.0.0.1:\(adminTestPort(id))" }

    /// The schema changes, each followed by transactions that use the structure it left.
    var steps: [String] {
        [
            // A column added in the middle, used at once.
            "ALTER TABLE items ADD COLUMN color VARCHAR(20) AFTER name; UPDATE items SET color = ELT(1 + id % 3, 'red', 'green', 'blue') WHERE id <= 120; INSERT INTO items (id, sku, name, color, price) VALUES (301, 's301', 'new', 'red', 1.5)",
            "ALTER TABLE items DROP COLUMN data; UPDATE items SET price = price + 1 WHERE id % 7 = 0; DELETE FROM items WHERE id BETWEEN 290 AND 295",
            // A type widened, beyond what the old type held.
            "ALTER TABLE items MODIFY price DECIMAL(16,3); UPDATE items SET price = 123456789.125 WHERE id = 5",
            // A VARCHAR's length and charset.
            "ALTER TABLE categories MODIFY label VARCHAR(120) CHARACTER SET latin1; INSERT INTO categories VALUES ('paint', 'Farbe à l''huile')",
            "ALTER TABLE items ADD UNIQUE KEY color_sku (color, sku); UPDATE items SET color = 'black' WHERE id = 10",
            "ALTER TABLE items RENAME COLUMN color TO colour; UPDATE items SET colour = 'white' WHERE id BETWEEN 20 AND 25",
            "RENAME TABLE categories TO category; INSERT INTO category VALUES ('kitchen', 'Küche')",
            "TRUNCATE TABLE stock; INSERT INTO stock SELECT seq, 100, seq * 2 FROM seq_1_to_50",
            "CREATE TABLE batch_2026 (id INT PRIMARY KEY, item_id INT NOT NULL, qty INT, note VARCHAR(30)); INSERT INTO batch_2026 SELECT seq, seq % 40 + 1, seq, 'ok' FROM seq_1_to_80",
            "CREATE TABLE batch_2027 LIKE batch_2026; INSERT INTO batch_2027 SELECT seq, seq, seq * 3, 'next' FROM seq_1_to_30; UPDATE batch_2026 SET qty = 0 WHERE id < 10",
            // Replicas get no foreign key but the index InnoDB makes for it, which outlives the key.
            "ALTER TABLE batch_2027 ADD CONSTRAINT fk_batch_item FOREIGN KEY (item_id) REFERENCES stock (item_id); INSERT INTO batch_2027 VALUES (40, 2, 1, 'with key')",
            "ALTER TABLE batch_2027 DROP FOREIGN KEY fk_batch_item",
            // Logged as a CREATE TABLE with the resulting columns, then the rows, in one transaction.
            "CREATE TABLE batch_2028 (PRIMARY KEY (id)) SELECT id, qty FROM batch_2027 WHERE id > 5",
            // Two tables of one definition swapped through a third mapped name.
            """
            CREATE TABLE batch_2030 LIKE batch_2028; INSERT INTO batch_2030 VALUES (1, 5);
            RENAME TABLE batch_2028 TO batch_tmp, batch_2030 TO batch_2028, batch_tmp TO batch_2030; INSERT INTO batch_2028 VALUES (2, 6)
            """,
            // Partitioned: the replica's charset goes before the partitioning; no TRUNCATE guard is possible.
            """
            CREATE TABLE batch_2029 (id INT, made DATE, PRIMARY KEY (id, made)) PARTITION BY RANGE (YEAR(made))
              (PARTITION old VALUES LESS THAN (2020), PARTITION recent VALUES LESS THAN MAXVALUE);
            INSERT INTO batch_2029 VALUES (1, '2019-05-01'), (2, '2024-01-02'), (3, '2018-03-03');
            ALTER TABLE batch_2029 TRUNCATE PARTITION old
            """,
            "ALTER TABLE stock ADD COLUMN note VARCHAR(10) NOT NULL DEFAULT 'x' FIRST, ALGORITHM=COPY; UPDATE stock SET note = 'moved' WHERE item_id % 5 = 0",
            "DROP TABLE batch_2026; INSERT INTO batch_2027 VALUES (31, 1, 1, 'after drop')",
            // Written under ANSI_QUOTES: read and replayed the way the source's session read it.
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'); ALTER TABLE \"stock\" ADD COLUMN \"bin\" CHAR(2) DEFAULT 'ab'; SET SESSION sql_mode = DEFAULT",
            "ALTER TABLE items CHANGE price cost DECIMAL(16,3), ADD INDEX by_cost (cost); UPDATE items SET cost = 9 WHERE id = 1",
            // The online schema-change tools' pattern: a shadow table filled and renamed over the original.
            """
            CREATE TABLE _items_new LIKE items; ALTER TABLE _items_new ADD COLUMN weight INT UNSIGNED, DROP INDEX by_cost;
            INSERT INTO _items_new SELECT i.*, i.id % 11 FROM items i; UPDATE items SET name = 'changed during the copy' WHERE id = 2;
            REPLACE INTO _items_new SELECT i.*, i.id % 11 FROM items i WHERE id = 2;
            RENAME TABLE items TO _items_old, _items_new TO items; DROP TABLE _items_old;
            UPDATE items SET weight = 1000 WHERE id <= 3; INSERT INTO items (id, sku, name, weight) VALUES (400, 's400', 'after swap', 4)
            """,
        ]
    }

    /// Rows changed between schema changes, in transactions of their own.
    func dml(_ connection: MariaDBConnection, round: Int) throws {
        try connection.execute("USE \(source)")
        for _ in 0..<3 {
            let id = Int.random(in: 1...280)
            try connection.execute("BEGIN; UPDATE items SET sku = CONCAT('r\(round)-', id) WHERE id = \(id); UPDATE stock SET qty = qty + 1 WHERE item_id = \(id % 50 + 1); COMMIT")
        }
    }

    /// Tables each target must have, and nothing else.
    func expectedTables(_ connection: MariaDBConnection) throws -> [String: [String]] {
        let all = try tables(in: source, connection)
        return [orders: all, purchasing: all.filter { $0 == "items" || $0.hasPrefix("batch_") }]
    }

    func tables(in database: String, _ connection: MariaDBConnection) throws -> [String] {
        let result = try connection.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(database)) ORDER BY 1")
        return result.rows.indices.compactMap { result.string($0, 0) }
    }

    /// What differs between the source and the replicas: table sets, definitions (SHOW CREATE TABLE without the
    /// table's name and AUTO_INCREMENT counter) and rows. Empty when every replica equals its source.
    func differences(_ connection: MariaDBConnection) -> [String] {
        do {
            var found: [String] = []
            for (database, expected) in try expectedTables(connection) {
                let have = try tables(in: database, connection)
                if have != expected { found.append("\(database) has \(have), expected \(expected)"); continue }
                for table in expected {
                    let want = try definition(source, table, connection), got = try definition(database, table, connection)
                    if want != got { found.append("\(database).\(table) is defined\n\(got)\nnot\n\(want)") }
                    let wantRows = try rows(source, table, connection), gotRows = try rows(database, table, connection)
                    if wantRows != gotRows { found.append("\(database).\(table): \(gotRows.count) rows differ from the source's \(wantRows.count)") }
                }
            }
            return found
        } catch {
            return ["\(error)"]
        }
    }

    /// Replicas missing part of their read-only protection: the three triggers, or the TRUNCATE guard holding a
    /// foreign key to the replica (every table of this workload has a primary key; partitioned ones cannot have it).
    func unprotectedReplicas(_ connection: MariaDBConnection) -> [String] {
        do {
            var found: [String] = []
            for (database, tables) in try expectedTables(connection) {
                for table in tables {
                    let (schema, name) = (SQLLiteral.quotedString(database), SQLLiteral.quotedString(table))
                    let triggers = try connection.query("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = \(schema) AND EVENT_OBJECT_TABLE = \(name)")
                    if triggers.string(0, 0) != "3" { found.append("\(database).\(table) has \(triggers.string(0, 0) ?? "?") triggers") }
                    let guards = try connection.query("""
                        SELECT COUNT(*) FROM information_schema.KEY_COLUMN_USAGE
                        WHERE TABLE_SCHEMA = '_tablemirror' AND REFERENCED_TABLE_SCHEMA = \(schema) AND REFERENCED_TABLE_NAME = \(name)
                        """)
                    let options = try connection.query("SELECT CREATE_OPTIONS FROM information_schema.TABLES WHERE TABLE_SCHEMA = \(schema) AND TABLE_NAME = \(name)")
                    let partitioned = options.string(0, 0)?.contains("partitioned") == true
                    if guards.string(0, 0) == "0" && !partitioned { found.append("\(database).\(table) has no TRUNCATE guard") }
                }
            }
            return found
        } catch {
            return ["\(error)"]
        }
    }

    private func definition(_ database: String, _ table: String, _ connection: MariaDBConnection) throws -> String {
        let text = try connection.query("SHOW CREATE TABLE `\(database)`.`\(table)`").string(0, 1) ?? ""
        return text.split(separator: "\n").enumerated().map { index, line in
            index == 0 ? "CREATE TABLE (" : String(line).replacing(#/ AUTO_INCREMENT=[0-9]+/#, with: "")
        }.joined(separator: "\n")
    }

    private func rows(_ database: String, _ table: String, _ connection: MariaDBConnection) throws -> [String] {
        try connection.query("SELECT * FROM `\(database)`.`\(table)`").rows.map { "\($0)" }.sorted()
    }

    func removeEverything(_ connection: MariaDBConnection) {
        removeTestDatabases(connection, source: source, replicas: [orders, purchasing], targets: [ordersTarget, purchasingTarget])
    }
}
