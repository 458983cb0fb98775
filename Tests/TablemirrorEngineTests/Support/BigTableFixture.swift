import Foundation
import MariaDBClient
import TestSupport
@testable import TablemirrorEngine

/// A source with a 30,000-row table `big` (BIGINT key — every third value, so there are gaps — a unique key,
/// DECIMAL, FLOAT, TIMESTAMP) and a one-row table `small`, replicated into one target; and a workload that
/// keeps changing `big` over its whole key range (and `small`).
struct BigTableFixture {
    let id = UInt32.random(in: 0..<UInt32.max)
    let prefix: String
    var source: String { "tm_\(prefix)_src_\(id)" }
    var target: String { "tm_\(prefix)_tgt_\(id)" }
    var name: String { "\(prefix)_\(id)" }

    func configuration(_ tables: [String], snapshot: ConsistentSnapshot.Method = .auto) throws -> Configuration {
        try ConfigurationParser(file: "\(prefix).yaml").parse(yaml(tables, snapshot: snapshot))
    }

    /// The configuration file's text: the test server for source and target (with `tls`, a `tls:` value, on
    /// both), `extra` appended.
    func yaml(_ tables: [String], extra: String = "", tls: String? = nil, snapshot: ConsistentSnapshot.Method = .auto) -> String {
        let server = TestServer.options()
        let login = "host: \(server.host), port: \(server.port), user: \(server.user), password_env: TM_TEST_PASSWORD"
            + (tls.map { ", tls: \($0)" } ?? "")
        return """
            source: { \(login), server_id: \(9000 + id % 1000), snapshot: \(snapshot.rawValue) }
            targets: { \(name): { \(login), database: \(target) } }
            mappings: [\(tables.map { "{ source: \(source).\($0), targets: [\(name)] }" }.joined(separator: ", "))]
            \(extra)
            """
    }

    func setUp(_ admin: MariaDBConnection) throws {
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).small (id INT PRIMARY KEY, v INT);
            CREATE TABLE \(source).big (id BIGINT PRIMARY KEY, code VARCHAR(20) NOT NULL, amount DECIMAL(12,2), f FLOAT,
              at TIMESTAMP(6) NULL, UNIQUE KEY (code));
            INSERT INTO \(source).small VALUES (1, 1);
            INSERT INTO \(source).big SELECT seq * 3, CONCAT('c', seq), seq / 7, seq + 0.1, FROM_UNIXTIME(1700000000 + seq)
              FROM \(source).seq_1_to_30000
            """)
    }

    func tearDown(_ admin: MariaDBConnection) {
        for table in ["small", "big"] { try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_\(table)`") }
        try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target)")
        try? admin.execute("DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'; DELETE FROM _tablemirror.copy WHERE target = '\(name)'")
    }

    /// Changes to `big` at keys from 3,000 up — rows below are never touched, so tests may damage them by hand —
    /// on their own thread, until stopped.
    func workload(until stop: StopSignal) -> ResultBox {
        let done = ResultBox()
        let database = source
        Thread {
            defer { done.finish() }
            guard let writer = try? TestServer.connect(database: database) else { return }
            var round = 0
            while !stop.isStopped {
                round += 1
                let key = Int.random(in: 1000...30000) * 3
                _ = try? writer.execute("""
                    BEGIN;
                    UPDATE big SET amount = amount + 1, at = NOW(6) WHERE id = \(key);
                    DELETE FROM big WHERE id = \(Int.random(in: 1000...30000) * 3);
                    INSERT INTO big VALUES (\(key), 'n\(round)', \(round), 1.5, NULL) ON DUPLICATE KEY UPDATE amount = -amount;
                    UPDATE big SET code = CONCAT(code, 'x') WHERE id = \(Int.random(in: 1000...30000) * 3);
                    UPDATE small SET v = v + 1;
                    COMMIT
                    """)
                usleep(2_000)
            }
        }.start()
        return done
    }

    /// The first row that differs (source, replica), for failure messages.
    func firstDifference(_ admin: MariaDBConnection, _ table: String) -> String {
        let select = "SELECT * FROM %@.\(table) ORDER BY id"
        let original = (try? admin.query(select.replacingOccurrences(of: "%@", with: source)).rows) ?? []
        let replica = (try? admin.query(select.replacingOccurrences(of: "%@", with: target)).rows) ?? []
        let text = { (row: [QueryResult.Cell]) in row.map { $0.map { String(decoding: $0, as: UTF8.self) } ?? "NULL" }.joined(separator: "|") }
        for (left, right) in zip(original, replica) where left != right { return "source \(text(left)) / replica \(text(right))" }
        return "source \(original.count) rows, replica \(replica.count) rows"
    }

    func identical(_ admin: MariaDBConnection, _ table: String) -> Bool {
        let select = "SELECT * FROM %@.\(table) ORDER BY id"
        guard let original = try? admin.query(select.replacingOccurrences(of: "%@", with: source)).rows,
              let replica = try? admin.query(select.replacingOccurrences(of: "%@", with: target)).rows else { return false }
        return original.count > (table == "big" ? 20_000 : 0) && original == replica
    }
}
