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

    static var binary: String {
        let root = "/" + #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
        return "\(root)/.build/debug/tablemirror"
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CrashSafetyTests.binary)))
    func killedTenTimesConvergesWithoutDuplicates() throws {
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer { workload.removeEverything(admin) }
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("tm-crash-\(workload.id).yaml")
        try workload.configuration.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }

        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: 100)
        var previous: [String: Checkpoint] = [:]
        for round in 0..<10 {
            let daemon = try launch(config)
            // The first run makes the initial copies; give it time to get past them at least once.
            usleep(round == 0 ? 4_000_000 : UInt32.random(in: 300_000...2_000_000))
            kill(daemon.processIdentifier, SIGKILL)
            daemon.waitUntilExit()
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

        let daemon = try launch(config)
        defer {
            if daemon.isRunning {
                daemon.terminate()
                daemon.waitUntilExit()
            }
        }
        #expect(waitUntil(300) { workload.differences(admin).isEmpty },
                "replicas differ from the source after ten kills: \(workload.differences(admin))")
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0, "the daemon did not stop cleanly on SIGTERM")
    }

    private func launch(_ config: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--config", config.path]
        var environment = ProcessInfo.processInfo.environment
        environment["TM_TEST_PASSWORD"] = TestServer.options().password
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
