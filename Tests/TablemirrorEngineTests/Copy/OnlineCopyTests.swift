import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Online copies while the stream runs: a mapping added to a running setup, and a resync of a damaged replica,
/// each while a workload keeps inserting, updating and deleting rows of the table being copied.
@Suite("Online copy", .serialized, .enabled(if: TestServer.isConfigured))
struct OnlineCopyTests {
    let fixture = BigTableFixture(prefix: "online")
    var name: String { fixture.name }
    var source: String { fixture.source }
    var target: String { fixture.target }

    @Test func aMappingAddedLaterIsCopiedWhileTheStreamRuns() throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        let first = RunningReplicator(try fixture.configuration(["small"]), targets: [name: TestServer.options()], source: TestServer.options())
        #expect(waitUntil(60) { first.status.snapshot()[name]?.state == .streaming })
        first.stop()

        let stopWorkload = StopSignal()
        let workloadDone = fixture.workload(until: stopWorkload)
        let second = RunningReplicator(try fixture.configuration(["small", "big"]), targets: [name: TestServer.options()], source: TestServer.options())
        defer { second.stop() }
        let copied = waitUntil(120) { second.status.snapshot()[name]?.finishedCopies == 1 }
        stopWorkload.stop()
        workloadDone.wait()
        #expect(copied, "the copy of the new mapping did not finish")
        #expect(waitUntil(60) { fixture.identical(admin, "big") }, "the replica differs from the source: \(fixture.firstDifference(admin, "big"))")
        let progress = try CopyProgressStore.progress(target: name, source: QualifiedTableName(database: source, table: "big"), on: admin)
        #expect(progress?.state == .done)
        #expect((progress?.chunks ?? 0) >= 15, "30,000 rows should take several chunks")
    }

    /// With MariaDB's snapshot position, and with the table-lock method (MySQL's) forced.
    @Test(arguments: [ConsistentSnapshot.Method.auto, .tableLock])
    func aResyncRepairsAHandDamagedReplicaWhileChangesContinue(snapshot: ConsistentSnapshot.Method) throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        let running = RunningReplicator(try fixture.configuration(["small", "big"], snapshot: snapshot), targets: [name: TestServer.options()], source: TestServer.options())
        defer { running.stop() }
        #expect(waitUntil(60) { running.status.snapshot()[name]?.state == .streaming })
        // An administrator damages the replica: rows deleted, changed and added.
        try admin.execute("""
            DELETE FROM \(target).big WHERE id BETWEEN 300 AND 600;
            UPDATE \(target).big SET amount = 0 WHERE id % 1000 = 0;
            INSERT INTO \(target).big VALUES (5, 'extra', 1, 1, NULL), (90001, 'extra2', 2, 2, NULL)
            """)
        let stopWorkload = StopSignal()
        let workloadDone = fixture.workload(until: stopWorkload)
        try CopyProgressStore.request(target: name, source: QualifiedTableName(database: source, table: "big"), reason: "resync", on: admin)
        let resynced = waitUntil(120) { running.status.snapshot()[name]?.finishedCopies == 1 }
        stopWorkload.stop()
        workloadDone.wait()
        #expect(resynced, "the resync did not finish")
        #expect(waitUntil(60) { fixture.identical(admin, "big") }, "the replica differs from the source after the resync: \(fixture.firstDifference(admin, "big"))")
    }
}
