import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The snapshot's position is exact: what the view shows plus what the binlog has after the position is
/// every committed row, once — also while other sessions keep committing, to the table read and to another one
/// (which the table-lock method leaves unlocked). Both methods, MariaDB's snapshot position and the table lock.
@Suite("Consistent snapshot position", .serialized, .enabled(if: TestServer.isConfigured))
struct ConsistentSnapshotTests {
    @Test(arguments: [ConsistentSnapshot.Method.auto, .tableLock])
    func viewPlusStreamAfterThePositionIsEveryRowOnce(method: ConsistentSnapshot.Method) throws {
        let database = TestServer.uniqueDatabase("tm_snap")
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(database); CREATE TABLE \(database).t (id INT PRIMARY KEY); CREATE TABLE \(database).other (id INT)")
        defer { try? admin.execute("DROP DATABASE \(database)") }
        for id in 1...50 { try admin.execute("INSERT INTO \(database).t VALUES (\(id))") }

        // Another session commits concurrently while the snapshot is taken.
        let writerDone = Flag()
        let writerUnderWay = Flag()
        let writer = Thread {
            defer { writerDone.set() }
            guard let connection = try? TestServer.connect() else { return }
            for id in 51...400 {
                try? connection.execute("INSERT INTO \(database).t VALUES (\(id)); INSERT INTO \(database).other VALUES (\(id))")
                if id == 150 { writerUnderWay.set() }
            }
        }
        writer.start()
        let reader = try TestServer.connect()
        while !writerUnderWay.isSet && !writerDone.isSet { usleep(1_000) }
        let snapshot = try ConsistentSnapshot.begin(on: reader, tables: [QualifiedTableName(database: database, table: "t")], method: method)
        let visible = Set(try reader.query("SELECT id FROM \(database).t").rows.compactMap { $0[0].flatMap { Int(String(decoding: $0, as: UTF8.self)) } })
        try reader.execute("COMMIT")
        while !writerDone.isSet { usleep(10_000) }

        let stream = try RemoteEventSource(TestServer.options(), request: BinlogStreamRequest(
            start: .position(file: snapshot.position.file, offset: snapshot.position.offset), serverID: UInt32.random(in: 6_000_000..<7_000_000),
            heartbeatSeconds: 0, stopAtEnd: true))
        var streamed: [Int] = []
        try DecodeSession().run(stream) { change in
            if case let .row(row) = change, row.database == database, row.table == "t", case let .signed(id)?? = row.after?.values.first {
                streamed.append(Int(id))
            }
        }
        #expect(visible.isDisjoint(with: streamed), "rows both in the snapshot and after its position")
        #expect(visible.union(streamed) == Set(1...400))
        #expect(visible.count >= 150, "the snapshot was taken while the writer was under way")
        #expect(streamed.count == Set(streamed).count)
        #expect(snapshot.gtidPosition?.isEmpty == false)
        let atPosition = try admin.query("SELECT BINLOG_GTID_POS('\(snapshot.position.file)', \(snapshot.position.offset))").string(0, 0)
        #expect(snapshot.gtidPosition == atPosition)
        #expect((snapshot.lockHeldSeconds != nil) == (method == .tableLock))
    }
}

/// A flag set by one thread and read by another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
