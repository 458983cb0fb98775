import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

struct ReplicaTableDefinitionTests {
    private let items = """
        CREATE TABLE `items` (
          `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
          `category_id` int(11) DEFAULT NULL,
          `name` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
          PRIMARY KEY (`id`),
          UNIQUE KEY `name` (`name`),
          KEY `category_id` (`category_id`),
          CONSTRAINT `items_ibfk_1` FOREIGN KEY (`category_id`) REFERENCES `categories` (`id`)
        ) ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci
        """

    @Test func renamesAndDropsOnlyForeignKeysAndTheCounter() throws {
        let statement = try ReplicaTableDefinition.createStatement(showCreateTable: items, database: "orders", table: "product_items")
        #expect(statement.hasPrefix("CREATE TABLE `orders`.`product_items` (\n"))
        #expect(!statement.contains("FOREIGN KEY"))
        #expect(!statement.contains("AUTO_INCREMENT=1001"))
        #expect(statement.contains("`id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,"))
        #expect(statement.contains("  KEY `category_id` (`category_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1"))
    }

    @Test func rejectsWhatIsNotACreateTable() {
        #expect(throws: EngineError.self) { try ReplicaTableDefinition.createStatement(showCreateTable: "CREATE VIEW v AS SELECT 1", database: "a", table: "b") }
    }

    @Test(.enabled(if: TestServer.isConfigured))
    func theReplicaHasTheSourcesStructure() throws {
        let source = TestServer.uniqueDatabase("tm_src")
        let target = TestServer.uniqueDatabase("tm_dst")
        let connection = try TestServer.connect()
        try connection.execute("CREATE DATABASE \(source); CREATE DATABASE \(target)")
        defer { try? connection.execute("DROP DATABASE \(source); DROP DATABASE \(target)") }
        try connection.execute("""
            CREATE TABLE \(source).categories (id INT PRIMARY KEY) ENGINE=InnoDB;
            CREATE TABLE \(source).items (
              id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
              category_id INT,
              name VARCHAR(200) CHARSET utf8mb4 NOT NULL,
              price DECIMAL(12,2) NOT NULL DEFAULT 0.00 COMMENT 'in cents',
              doc JSON,
              updated TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
              UNIQUE KEY (name), KEY (category_id, price),
              FOREIGN KEY (category_id) REFERENCES \(source).categories (id)
            ) ENGINE=InnoDB DEFAULT CHARSET=latin1 AUTO_INCREMENT=500;
            INSERT INTO \(source).categories VALUES (1);
            INSERT INTO \(source).items (category_id, name) VALUES (1, 'x')
            """)
        let showCreate = try #require(try connection.query("SHOW CREATE TABLE \(source).items").string(0, 1))
        try connection.execute(try ReplicaTableDefinition.createStatement(showCreateTable: showCreate, database: target, table: "items"))
        let replica = try #require(try connection.query("SHOW CREATE TABLE \(target).items").string(0, 1))
        // Same structure line for line but the foreign key (and the comma it leaves): columns, types, defaults,
        // keys, charset.
        func lines(_ text: String) -> [String] {
            text.split(separator: "\n").filter { !$0.contains("FOREIGN KEY") }.map { line in
                var line = String(line).replacing(#/ AUTO_INCREMENT=[0-9]+/#, with: "")
                if line.hasSuffix(",") { line.removeLast() }
                return line
            }
        }
        #expect(lines(replica) == lines(showCreate))
        #expect(replica.contains("DEFAULT CHARSET=latin1"))
        #expect(replica.contains("COMMENT 'in cents'"))
    }
}

/// A table or column named like SQL stays one quoted name in the replica's CREATE TABLE.
struct ReplicaTableDefinitionHostileNameTests {
    @Test func aNameWithParenthesesAndSemicolonsStaysAName() throws {
        let showCreate = """
            CREATE TABLE `batch_(a int);DROP TABLE orders.victim;#` (
              `id` int(11) NOT NULL,
              `x``\u{301}); DROP TABLE t; --` varchar(10) DEFAULT 'a\\'); DROP TABLE u; #' COMMENT 'FOREIGN KEY (x)',
              PRIMARY KEY (`id`)
            ) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COMMENT='AUTO_INCREMENT=1'
            """
        let statement = try ReplicaTableDefinition.createStatement(showCreateTable: showCreate, database: "orders", table: "batch_(a int);DROP TABLE orders.victim;#")
        let tokens = try SQLTokenizer.singleStatement(statement)
        #expect(tokens.filter { $0.kind == .quotedIdentifier }.map(\.text) == [
            "orders", "batch_(a int);DROP TABLE orders.victim;#", "id", "x`\u{301}); DROP TABLE t; --", "id",
        ])
        #expect(!tokens.contains { $0.isKeyword("DROP") })
        #expect(statement.contains("COMMENT 'FOREIGN KEY (x)'"))
        #expect(statement.contains("COMMENT='AUTO_INCREMENT=1'"))
        #expect(!statement.contains("AUTO_INCREMENT=7"))
    }
}
