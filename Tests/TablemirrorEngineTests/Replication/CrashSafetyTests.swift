import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The daemon killed with SIGKILL at random moments, ten times, while the source keeps changing; afterwards
/// every replica equals its source — a table without a key proves no row was applied twice — and the
/// checkpoints only ever moved forward.
@Suite("Crash safety", .serialized, .enabled(if: TestServer.isConfigured))
struct CrashSafetyTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    static var binary: String {
        let root = "/" + #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
        return "\(root)/.build/debug/tablemirror"
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CrashSafetyTests.binary)))
    func killedTenTimesConvergesWithoutDuplicates() throws {
        let source = "tm_csrc_\(id)", target = "tm_ctgt_\(id)", targetName = "crash_\(id)"
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).items (id INT PRIMARY KEY, v INT, note VARCHAR(30));
            CREATE TABLE \(source).log (k INT, note VARCHAR(30));
            INSERT INTO \(source).items SELECT seq, seq, 'start' FROM \(source).seq_1_to_200
            """)
        defer {
            for table in ["items", "log"] { try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_\(table)`") }
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = '\(targetName)'")
        }
        let options = TestServer.options()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("tm-crash-\(id).yaml")
        try """
            source: { host: \(options.host), port: \(options.port), user: \(options.user), password_env: TM_TEST_PASSWORD, server_id: \(6000 + id % 1000) }
            targets:
              \(targetName): { host: \(options.host), port: \(options.port), user: \(options.user), password_env: TM_TEST_PASSWORD, database: \(target) }
            mappings:
              - { source: \(source).items, targets: [\(targetName)] }
              - { source: \(source).log, targets: [\(targetName)] }
            """.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }

        // The workload runs on its own thread the whole time.
        let workloadStop = StopSignal()
        let workloadDone = ResultBox()
        let workload = Thread {
            defer { workloadDone.finish() }
            guard let writer = try? TestServer.connect(database: source) else { return }
            var round = 0
            while !workloadStop.isStopped {
                round += 1
                let key = Int.random(in: 1...400)
                _ = try? writer.execute("""
                    BEGIN;
                    INSERT INTO items VALUES (\(key), \(round), 'w') ON DUPLICATE KEY UPDATE v = v + 1, note = 'u';
                    INSERT INTO log VALUES (\(round), 'a'), (\(round), 'a');
                    DELETE FROM log WHERE k = \(round - 5) LIMIT 1;
                    UPDATE items SET v = v * 2 WHERE id = \(Int.random(in: 1...400));
                    \(round % 9 == 0 ? "DELETE FROM items WHERE id = \(key);" : "")
                    COMMIT
                    """)
                if round % 50 == 0 { _ = try? writer.execute("INSERT INTO items SELECT 10000 + seq + \(round) * 1000, seq, 'bulk' FROM seq_1_to_300") }
            }
        }
        workload.start()

        var previous: Checkpoint?
        for _ in 0..<10 {
            let daemon = try launch(config)
            usleep(UInt32.random(in: 300_000...1_500_000))
            kill(daemon.processIdentifier, SIGKILL)
            daemon.waitUntilExit()
            if let now = try CheckpointStore.read(target: targetName, from: admin) {
                if let previous { #expect(!now.position.isBefore(previous.position), "checkpoint moved back: \(previous) → \(now)") }
                previous = now
            }
        }
        workloadStop.stop()
        workloadDone.wait()

        let daemon = try launch(config)
        defer {
            if daemon.isRunning {
                daemon.terminate()
                daemon.waitUntilExit()
            }
        }
        let deadline = Date().addingTimeInterval(60)
        func converged() -> Bool {
            ["items ORDER BY id", "log ORDER BY k, note"].allSatisfy { table in
                (try? admin.query("SELECT * FROM \(source).\(table)").rows) == (try? admin.query("SELECT * FROM \(target).\(table)").rows)
            }
        }
        while Date() < deadline && !converged() { usleep(200_000) }
        #expect(converged(), "replicas differ from the source after ten kills")
        let counts = try admin.query("SELECT (SELECT COUNT(*) FROM \(source).log), (SELECT COUNT(*) FROM \(target).log)")
        #expect(counts.string(0, 0) == counts.string(0, 1), "the keyless table has a different row count (duplicates or losses)")
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
