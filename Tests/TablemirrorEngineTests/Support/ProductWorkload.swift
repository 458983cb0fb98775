import Foundation
import MariaDBClient
import TestSupport
@testable import TablemirrorEngine

/// The randomized workload of the convergence and crash tests, on a small product database: keys of every
/// kind (integer, text under a case-insensitive collation, composite, none — with a FLOAT to match on), a
/// unique secondary key whose values move between rows, a filtered mapping, every column type (`all_types`), an unmapped table, primary
/// key changes, multi-table and rolled-back transactions, and one transaction of 200,000 rows.
struct ProductWorkload {
    let id: UInt32
    var source: String { "tm_wsrc_\(id)" }
    var orders: String { "tm_word_\(id)" }
    var purchasing: String { "tm_wpur_\(id)" }
    var ordersTarget: String { "w_orders_\(id)" }
    var purchasingTarget: String { "w_purchasing_\(id)" }
    static let bigTransactionRows = 200_000
    /// How the daemon's copies take their snapshots (`source.snapshot`).
    var snapshot = ConsistentSnapshot.Method.auto

    var schema: String {
        """
        CREATE DATABASE \(source); CREATE DATABASE \(orders); CREATE DATABASE \(purchasing); USE \(source);
        CREATE TABLE items (id INT PRIMARY KEY, sku VARCHAR(20) NOT NULL, name VARCHAR(60) CHARSET utf8mb4, price DECIMAL(10,2),
          data VARBINARY(32), at DATETIME(6), doc JSON, f FLOAT, kind ENUM('a','b','c'), UNIQUE KEY (sku));
        CREATE TABLE categories (code VARCHAR(16) PRIMARY KEY, label VARCHAR(40), parent VARCHAR(16) NULL) COLLATE utf8mb4_general_ci;
        CREATE TABLE stock (item_id INT, warehouse_id INT, qty INT, PRIMARY KEY (item_id, warehouse_id));
        CREATE TABLE log (k INT, note VARCHAR(30), f FLOAT);
        CREATE TABLE unmapped (id INT PRIMARY KEY);
        \(AllTypesTable.createStatement);
        INSERT INTO items SELECT seq, CONCAT('s', seq), CONCAT('item ', seq, ' ü'), seq / 4, UNHEX(HEX(seq)), '2024-01-01' + INTERVAL seq MINUTE,
          JSON_OBJECT('n', seq), seq / 3, ELT(1 + seq % 3, 'a', 'b', 'c') FROM seq_1_to_500;
        INSERT INTO categories VALUES ('tools', 'Tools', NULL), ('Garden', 'Garden', NULL), ('hand', 'Hand tools', 'tools');
        INSERT INTO stock SELECT seq, 100 + seq % 10, seq FROM seq_1_to_300;
        INSERT INTO log VALUES (1, 'a', 1.1), (1, 'a', 1.1), (2, NULL, NULL);
        \(AllTypesTable.rows.map(AllTypesTable.insertStatement).joined(separator: ";\n"))
        """
    }

    var configuration: String {
        let user = TestServer.options()
        return """
            source: { host: \(user.host), port: \(user.port), user: \(user.user), password_env: TM_TEST_PASSWORD, server_id: \(5000 + id % 1000), snapshot: \(snapshot.rawValue) }
            targets:
              \(ordersTarget): { host: \(user.host), port: \(user.port), user: \(user.user), password_env: TM_TEST_PASSWORD, database: \(orders) }
              \(purchasingTarget): { host: \(user.host), port: \(user.port), user: \(user.user), password_env: TM_TEST_PASSWORD, database: \(purchasing) }
            admin: { listen: "127.0.0.1:\(adminTestPort(id))" }
            mappings:
              - { source: \(source).items, targets: [\(ordersTarget), \(purchasingTarget)] }
              - { source: \(source).categories, targets: [\(ordersTarget)] }
              - { source: \(source).stock, targets: [\(ordersTarget)], where: "warehouse_id = 105" }
              - { source: \(source).stock, targets: [\(purchasingTarget)] }
              - { source: \(source).log, targets: [\(purchasingTarget)] }
              - { source: \(source).all_types, targets: [\(ordersTarget)] }
            """
    }

    /// (what the replica must hold, the replica) for every mapped table in every target.
    var comparisons: [(String, String)] {
        [("SELECT * FROM \(source).items ORDER BY id", "SELECT * FROM \(orders).items ORDER BY id"),
         ("SELECT * FROM \(source).items ORDER BY id", "SELECT * FROM \(purchasing).items ORDER BY id"),
         ("SELECT * FROM \(source).categories ORDER BY code", "SELECT * FROM \(orders).categories ORDER BY code"),
         ("SELECT * FROM \(source).stock WHERE warehouse_id = 105 ORDER BY item_id, warehouse_id",
          "SELECT * FROM \(orders).stock ORDER BY item_id, warehouse_id"),
         ("SELECT * FROM \(source).stock ORDER BY item_id, warehouse_id", "SELECT * FROM \(purchasing).stock ORDER BY item_id, warehouse_id"),
         ("SELECT * FROM \(source).log ORDER BY k, note, f", "SELECT * FROM \(purchasing).log ORDER BY k, note, f"),
         ("SELECT * FROM \(source).all_types ORDER BY id", "SELECT * FROM \(orders).all_types ORDER BY id")]
    }

    /// The comparisons that do not hold now (empty when every replica equals its source).
    func differences(_ connection: MariaDBConnection) -> [String] {
        // TIMESTAMP columns must be compared as the same instants: both reads in one session.
        _ = try? connection.execute("SET SESSION time_zone = '+00:00'")
        return comparisons.compactMap { expected, replica in
            guard let want = try? connection.query(expected).rows, let have = try? connection.query(replica).rows else {
                return replica
            }
            return want == have ? nil : "\(replica) (\(have.count) rows, source \(want.count))"
        }
    }

    /// Tables that must not exist in a target: unmapped ones, and mapped ones routed elsewhere.
    func absentTables(_ connection: MariaDBConnection) throws -> [String] {
        let present = try connection.query("""
            SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES
            WHERE (TABLE_SCHEMA = '\(orders)' AND TABLE_NAME IN ('unmapped', 'log'))
               OR (TABLE_SCHEMA = '\(purchasing)' AND TABLE_NAME IN ('unmapped', 'categories', 'all_types'))
            """)
        return present.rows.indices.compactMap { present.string($0, 0) }
    }

    func removeEverything(_ connection: MariaDBConnection) {
        removeTestDatabases(connection, source: source, replicas: [orders, purchasing], targets: [ordersTarget, purchasingTarget])
    }

    /// One source transaction (or a rolled-back one) of a random kind; `round` makes new keys unique.
    static func randomTransaction(round: Int, using random: inout some RandomNumberGenerator) -> String {
        func item() -> Int { Int.random(in: 1...700, using: &random) }
        let statements: [String]
        switch Int.random(in: 0..<11, using: &random) {
        case 0:
            let key = 1000 + round
            statements = ["INSERT INTO items VALUES (\(key), 'n\(round)', 'new ü\(round)', \(round % 997).5, X'00\(String(format: "%02X", round % 256))', NOW(6), JSON_OBJECT('r', \(round), 'a', JSON_ARRAY(1, 'x')), 0.1, 'b')"]
        case 1:
            statements = ["UPDATE items SET price = price + 1, name = CONCAT(LEFT(name, 40), '!'), doc = JSON_SET(doc, '$.u', \(round)), f = f * 1.5 WHERE id = \(item())"]
        case 2:
            // A primary key change; the old key may be reused later.
            statements = ["UPDATE items SET id = id + 5000 WHERE id = \(item())", "UPDATE items SET id = id - 5000 WHERE id = \(5000 + item())"]
        case 3:
            statements = ["DELETE FROM items WHERE id = \(item())"]
        case 4:
            // A unique value moves from one row to another inside one transaction.
            let from = item(), to = item()
            statements = ["SET @s = (SELECT sku FROM items WHERE id = \(from))", "DELETE FROM items WHERE id = \(from)",
                          "UPDATE items SET sku = COALESCE(@s, sku) WHERE id = \(to)"]
        case 5:
            let codes = ["tools", "Tools", "garden", "HAND", "hand", "misc", "Misc"]
            let code = codes[Int.random(in: 0..<codes.count, using: &random)], other = codes[Int.random(in: 0..<codes.count, using: &random)]
            statements = ["INSERT INTO categories VALUES ('\(code)', 'c\(round)', NULL) ON DUPLICATE KEY UPDATE label = 'u\(round)'",
                          "UPDATE IGNORE categories SET code = '\(other)' WHERE code = '\(code)' AND \(round % 3) = 0",
                          "DELETE FROM categories WHERE code = '\(other)' AND \(round % 5) = 0"]
        case 6:
            let key = Int.random(in: 1...400, using: &random)
            statements = ["INSERT INTO stock VALUES (\(key), \(100 + round % 10), 1) ON DUPLICATE KEY UPDATE qty = qty + 1",
                          "UPDATE IGNORE stock SET warehouse_id = \(100 + (round + 5) % 10) WHERE item_id = \(key)",
                          "DELETE FROM stock WHERE item_id = \(Int.random(in: 1...400, using: &random)) AND warehouse_id = 105"]
        case 7:
            statements = ["INSERT INTO log VALUES (\(round % 50), 'a', 0.1), (\(round % 50), 'a', 0.1), (\(round % 50), NULL, NULL)",
                          "DELETE FROM log WHERE k = \((round + 25) % 50) LIMIT 1", "UPDATE log SET note = 'b' WHERE k = \(round % 7) LIMIT 2"]
        case 8:
            statements = [AllTypesTable.updateStatements[round % AllTypesTable.updateStatements.count],
                          "UPDATE all_types SET dec10 = dec10 + 1, ts3 = NOW(3), vc = CONCAT('r\(round)', LEFT(COALESCE(vc, ''), 20)) WHERE id = \(1 + round % 3)"]
        case 9:
            // Several tables, one transaction; and an unmapped table.
            statements = ["UPDATE items SET price = 0 WHERE id = \(item())", "INSERT INTO log VALUES (\(round), 'multi', 2.5)",
                          "INSERT INTO unmapped VALUES (\(round))", "UPDATE stock SET qty = qty - 1 WHERE item_id = \(item() % 300)"]
        default:
            return "BEGIN; UPDATE items SET price = -1; INSERT INTO log VALUES (-1, 'rolled back', NULL); ROLLBACK"
        }
        return "BEGIN; " + statements.joined(separator: "; ") + "; COMMIT"
    }

    /// The 200,000-row transaction: into `stock`, so one target gets all of it and the filtered one a tenth.
    static let bigTransaction = "INSERT INTO stock SELECT 1000000 + seq, 100 + seq % 10, seq FROM seq_1_to_\(bigTransactionRows)"

    /// Runs random transactions on its own thread until stopped, the big one after `bigAfter` of them.
    func start(until stop: StopSignal, bigAfter: Int) -> ResultBox {
        let done = ResultBox()
        let database = source
        Thread {
            defer { done.finish() }
            guard let writer = try? TestServer.connect(database: database) else { return }
            var random = SystemRandomNumberGenerator()
            var round = 0
            while !stop.isStopped {
                round += 1
                // A statement may fail (a key taken meanwhile): the rest of its transaction is still committed
                // or rolled back by the server as it would be for any client; the replicas must follow.
                _ = try? writer.execute(Self.randomTransaction(round: round, using: &random))
                _ = try? writer.execute("COMMIT")
                if round == bigAfter { _ = try? writer.execute(Self.bigTransaction) }
            }
        }.start()
        return done
    }
}
