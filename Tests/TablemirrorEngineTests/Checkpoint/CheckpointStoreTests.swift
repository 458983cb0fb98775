import BinlogDecoding
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

@Suite("Checkpoints in the target", .serialized, .enabled(if: TestServer.isConfigured))
struct CheckpointStoreTests {
    private func checkpoint(_ file: String, _ offset: UInt64, _ gtid: String? = nil) -> Checkpoint {
        Checkpoint(position: BinlogPosition(file: file, offset: offset), gtid: gtid, sourceTimestamp: 1_700_000_000)
    }

    @Test func writtenWithTheRowsOrNotAtAll() throws {
        let target = TestServer.uniqueDatabase("target")
        let connection = try TestServer.connect()
        try ControlSchema.ensure(connection)
        try connection.execute("CREATE DATABASE \(target); CREATE TABLE \(target).items (id INT PRIMARY KEY)")
        defer { try? connection.execute("DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = '\(target)'") }

        // A transaction that rolls back leaves neither the row nor the checkpoint.
        try connection.execute("BEGIN; INSERT INTO \(target).items VALUES (1); \(CheckpointStore.writeStatement(target: target, checkpoint("bin.000001", 500)))")
        try connection.execute("ROLLBACK")
        #expect(try CheckpointStore.read(target: target, from: connection) == nil)
        #expect(try connection.query("SELECT COUNT(*) FROM \(target).items").string(0, 0) == "0")

        // One that commits leaves both.
        try connection.execute("BEGIN; INSERT INTO \(target).items VALUES (1); \(CheckpointStore.writeStatement(target: target, checkpoint("bin.000001", 500, "0-1-7"))); COMMIT")
        #expect(try CheckpointStore.read(target: target, from: connection) == checkpoint("bin.000001", 500, "0-1-7"))
        #expect(try connection.query("SELECT COUNT(*) FROM \(target).items").string(0, 0) == "1")
    }

    @Test func onlyMovesForward() throws {
        let target = TestServer.uniqueDatabase("target")
        let connection = try TestServer.connect()
        try ControlSchema.ensure(connection)
        defer { try? connection.execute("DELETE FROM _tablemirror.checkpoint WHERE target = '\(target)'") }
        try connection.execute(CheckpointStore.writeStatement(target: target, checkpoint("bin.000002", 100, "0-1-9")))
        try connection.execute(CheckpointStore.writeStatement(target: target, checkpoint("bin.000001", 900, "0-1-8")))
        #expect(try CheckpointStore.read(target: target, from: connection) == checkpoint("bin.000002", 100, "0-1-9"))
        try connection.execute(CheckpointStore.writeStatement(target: target, checkpoint("bin.000002", 50)))
        #expect(try CheckpointStore.read(target: target, from: connection)?.position.offset == 100)
        try connection.execute(CheckpointStore.writeStatement(target: target, checkpoint("bin.000002", 180, "0-1-10")))
        #expect(try CheckpointStore.read(target: target, from: connection) == checkpoint("bin.000002", 180, "0-1-10"))
    }

    @Test func targetNamesAreQuoted() throws {
        let statement = CheckpointStore.writeStatement(target: "o'rders", checkpoint("f", 4))
        #expect(statement.contains("'o\\'rders'"))
    }
}
