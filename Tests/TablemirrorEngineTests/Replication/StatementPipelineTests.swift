@testable import TablemirrorEngine
import MariaDBClient
import Testing
import TestSupport

/// The sending thread on a real server: batches run in order, and nothing runs after one that failed.
@Suite("Statement pipeline", .serialized, .enabled(if: TestServer.isConfigured))
struct StatementPipelineTests {
    @Test func batchesRunInOrderAndDrainWaitsForTheLast() throws {
        let (database, admin) = try makeDatabase("tm_pipe_order")
        defer { try? admin.execute("DROP DATABASE \(database)") }
        var options = TestServer.options(database: database)
        options.multiStatements = true
        let connection = try MariaDBConnection(options)
        let pipeline = StatementPipeline(connection: connection, name: "test")
        defer { pipeline.close() }
        try pipeline.submit(["BEGIN", "INSERT INTO t VALUES (1)"])
        for value in 2...50 { try pipeline.submit(["INSERT INTO t VALUES (\(value))"]) }
        try pipeline.submit(["INSERT INTO t SELECT MAX(id) + 1 FROM t;\nCOMMIT"])
        try pipeline.drain()
        #expect(try admin.query("SELECT COUNT(*), MAX(id) FROM \(database).t").string(0, 0) == "51")
        #expect(try admin.query("SELECT MAX(id) FROM \(database).t").string(0, 0) == "51")
    }

    @Test func aFailedBatchIsThrownOnceAndWhatFollowsItIsNeverSent() throws {
        let (database, admin) = try makeDatabase("tm_pipe_fail")
        defer { try? admin.execute("DROP DATABASE \(database)") }
        var options = TestServer.options(database: database)
        options.multiStatements = true
        let connection = try MariaDBConnection(options)
        let pipeline = StatementPipeline(connection: connection, name: "test")
        defer { pipeline.close() }
        try pipeline.submit(["BEGIN", "INSERT INTO t VALUES (1)"])
        // A duplicate key: the batch fails at its first statement, so the second never runs.
        try pipeline.submit(["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)"])
        // The failure comes back from whichever call comes next, and the COMMIT is not sent.
        #expect(throws: MariaDBError.self) {
            try pipeline.submit(["COMMIT"])
            try pipeline.drain()
        }
        try pipeline.drain()
        try connection.execute("ROLLBACK")
        #expect(try admin.query("SELECT COUNT(*) FROM \(database).t").string(0, 0) == "0")
        // The pipeline goes on after the failure was taken.
        try pipeline.submit(["INSERT INTO t VALUES (3)"])
        try pipeline.drain()
        #expect(try admin.query("SELECT GROUP_CONCAT(id) FROM \(database).t").string(0, 0) == "3")
    }

    private func makeDatabase(_ prefix: String) throws -> (String, MariaDBConnection) {
        let database = TestServer.uniqueDatabase(prefix)
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(database)")
        try admin.execute("CREATE TABLE \(database).t (id INT PRIMARY KEY) ENGINE=InnoDB")
        return (database, admin)
    }
}
