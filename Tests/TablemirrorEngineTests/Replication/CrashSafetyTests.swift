import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The daemon killed with SIGKILL at random moments, ten times, during the convergence tests' randomized
/// workload (its 200,000-row transaction included); afterwards every replica equals its source — the table
/// without a key proves no row was applied twice — and the checkpoints only ever moved forward.
@Suite("Crash safety", .serialized, .enabled(if: TestServer.isConfigured))
struct CrashSafetyTests {
    let workload = ProductWorkload(id: UInt32.random(in: 0..<UInt32.max))

    /// With MariaDB's snapshot position, and with the table-lock method (MySQL's) forced.
    @Test(.enabled(if: DaemonProcess.isBuilt), arguments: [ConsistentSnapshot.Method.auto, .tableLock])
    func killedTenTimesConvergesWithoutDuplicates(snapshot: ConsistentSnapshot.Method) throws {
        var workload = self.workload
        workload.snapshot = snapshot
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer { workload.removeEverything(admin) }

        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: 100)
        var previous: [String: Checkpoint] = [:]
        for round in 0..<10 {
            let daemon = try DaemonProcess(yaml: workload.configuration)
            // The first run makes the initial copies; give it time to get past them at least once.
            usleep(round == 0 ? 4_000_000 : UInt32.random(in: 300_000...2_000_000))
            daemon.kill()
            for target in [workload.ordersTarget, workload.purchasingTarget] {
                guard let now = try CheckpointStore.read(target: target, from: admin) else { continue }
                if let before = previous[target] {
                    #expect(!now.position.isBefore(before.position), "\(target): checkpoint moved back: \(before) → \(now)")
                }
                previous[target] = now
            }
        }
        stop.stop()
        done.wait()

        let daemon = try DaemonProcess(yaml: workload.configuration)
        defer { daemon.stop() }
        #expect(waitUntil(300) { workload.differences(admin).isEmpty },
                "replicas differ from the source after ten kills: \(workload.differences(admin))")
        #expect(daemon.stop() == 0, "the daemon did not stop cleanly on SIGTERM")
    }
}
