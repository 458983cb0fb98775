@testable import TablemirrorEngine
import MariaDBClient
import Testing
import TestSupport

/// The sending thread on a real server: batches run in order, and nothing runs after one that failed.
@Suite("Statement pipeline", .serialized, .enabled(if: TestServer.isConfigured))
struct StatementPipelineTests {
    @Test func batchesRunInOrderAndDrainWaitsForTheLast() throws {
        let (database, admin, _, pipeline) = try start("tm_pipe_order")
        defer { pipeline.close(); try? admin.execute("DROP DATABASE \(database)") }
        try pipeline.submit(texts(["BEGIN", "INSERT INTO t VALUES (1)"]))
        for value in 2...50 { try pipeline.submit(texts(["INSERT INTO t VALUES (\(value))"])) }
        try pipeline.submit(texts(["INSERT INTO t SELECT MAX(id) + 1 FROM t;\nCOMMIT"]))
        try pipeline.drain()
        // The last batch read what every earlier one wrote: 50 rows, then MAX + 1.
        let result = try admin.query("SELECT COUNT(*), MAX(id) FROM \(database).t")
        #expect(result.string(0, 0) == "51" && result.string(0, 1) == "51")
    }

    @Test func aFailedBatchIsThrownOnceAndWhatFollowsItIsNeverSent() throws {
        let (database, admin, connection, pipeline) = try start("tm_pipe_fail")
        defer { pipeline.close(); try? admin.execute("DROP DATABASE \(database)") }
        try pipeline.submit(texts(["BEGIN", "INSERT INTO t VALUES (1)"]))
        // A duplicate key: the batch fails at its first statement, so the second never runs.
        try pipeline.submit(texts(["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)"]))
        // The failure comes back from whichever call comes next, and the COMMIT is not sent.
        #expect(throws: MariaDBError.self) {
            try pipeline.submit(texts(["COMMIT"]))
            try pipeline.drain()
        }
        try pipeline.drain()
        try connection.execute("ROLLBACK")
        #expect(try admin.query("SELECT COUNT(*) FROM \(database).t").string(0, 0) == "0")
        // The pipeline goes on after the failure was taken.
        try pipeline.submit(texts(["INSERT INTO t VALUES (3)"]))
        try pipeline.drain()
        #expect(try admin.query("SELECT GROUP_CONCAT(id) FROM \(database).t").string(0, 0) == "3")
    }

    /// A database with table `t`, an admin connection, and a pipeline on a connection of its own.
    private func start(_ prefix: String) throws -> (String, MariaDBConnection, MariaDBConnection, StatementPipeline) {
        let database = TestServer.uniqueDatabase(prefix)
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(database)")
        try admin.execute("CREATE TABLE \(database).t (id INT PRIMARY KEY) ENGINE=InnoDB")
        var options = TestServer.options(database: database)
        options.multiStatements = true
        let connection = try MariaDBConnection(options)
        return (database, admin, connection, StatementPipeline(connection: connection, name: "test"))
    }

    private func texts(_ sql: [String]) -> [TargetText] {
        sql.map { TargetText(sql: $0) }
    }
}
