import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A randomized workload on six mapped tables (every column type, every kind of key, a filter, a
/// 200,000-row transaction) while the replicator runs into two targets: once it catches up, every replica is
/// identical to its source (full contents), filtered replicas hold exactly the filtered rows, and nothing
/// unmapped exists in a target.
@Suite("Convergence", .serialized, .enabled(if: TestServer.isConfigured))
struct ConvergenceTests {
    let workload = ProductWorkload(id: UInt32.random(in: 0..<UInt32.max))

    /// With MariaDB's snapshot position, and with the table-lock method (MySQL's) forced.
    @Test(arguments: [ConsistentSnapshot.Method.auto, .tableLock])
    func randomWorkloadConverges(snapshot: ConsistentSnapshot.Method) throws {
        var workload = self.workload
        workload.snapshot = snapshot
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer { workload.removeEverything(admin) }
        let configuration = try ConfigurationParser(file: "workload.yaml").parse(workload.configuration)
        let running = RunningReplicator(configuration, targets: [workload.ordersTarget: TestServer.options(),
                                                                 workload.purchasingTarget: TestServer.options()],
                                        source: TestServer.options())
        defer { running.stop() }
        #expect(waitUntil(60) { running.status.snapshot().values.filter { $0.state == .streaming }.count == 2 })

        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: 200)
        usleep(20_000_000)
        stop.stop()
        done.wait()
        #expect(waitUntil(300) { workload.differences(admin).isEmpty }, "replicas differ: \(workload.differences(admin))")
        let absent = try workload.absentTables(admin)
        #expect(absent.isEmpty, "tables that must not be in a target: \(absent)")
        #expect(try admin.query("SELECT COUNT(*) FROM \(workload.purchasing).stock").string(0, 0).flatMap { Int($0) } ?? 0
                > ProductWorkload.bigTransactionRows, "the 200,000-row transaction did not arrive")
        let states = running.status.snapshot().values.map(\.state)
        #expect(states.allSatisfy { $0 == .streaming }, "\(states)")
    }
}
