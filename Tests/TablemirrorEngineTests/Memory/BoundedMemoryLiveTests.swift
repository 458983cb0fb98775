import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The daemon's resident memory through a 64 MiB row and through the copies and streaming of a 500,000-row table
/// without a primary key stays under README's bound (`MemoryBudget.residentBound`), and the replicas are identical;
/// a table without a primary key is never seen half-copied. The replicas are on the second server, so that the
/// copies' writes do not add to the binlog that every other suite's pipelines read; every use of it connects afresh
/// and waits for it, so that a slow moment of a loaded machine is not taken for a failure.
@Suite("Bounded memory", .serialized, .enabled(if: TestServer.isConfigured && TestTargetServer.isConfigured))
struct BoundedMemoryLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_mem_src_\(id)" }
    var target: String { "tm_mem_tgt_\(id)" }
    var name: String { "mem_\(id)" }

    /// Runs `body` on a fresh connection to the replicas' server, again until it succeeds or `seconds` pass.
    @discardableResult
    private func onReplicas<Value>(waiting seconds: Double = 120, _ body: (MariaDBConnection) throws -> Value) throws -> Value {
        var outcome: Result<Value, any Error> = .failure(TestSupportError("the replicas' server was never reached"))
        _ = waitUntil(seconds, every: 0.5) {
            outcome = Result { try body(TestTargetServer.connect()) }
            return (try? outcome.get()) != nil
        }
        return try outcome.get()
    }

    /// `keyless` gets `keylessRows` rows of about `width` bytes each.
    private func setUp(_ admin: MariaDBConnection, keylessRows: Int, width: Int = 10) throws {
        try onReplicas { try $0.execute("CREATE DATABASE \(target)") }
        try admin.execute("""
            CREATE DATABASE \(source);
            CREATE TABLE \(source).blobs (id INT PRIMARY KEY, body LONGBLOB);
            CREATE TABLE \(source).keyless (n INT NOT NULL, note VARCHAR(200), KEY (n));
            INSERT INTO \(source).keyless SELECT seq, RPAD(CONCAT('r', seq), \(width), '.') FROM \(source).seq_1_to_\(keylessRows)
            """)
    }

    private func tearDown(_ admin: MariaDBConnection) {
        try? onReplicas {
            try $0.execute("""
                DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_blobs`; DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_keyless`;
                DROP DATABASE IF EXISTS \(target);
                DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'; DELETE FROM _tablemirror.copy WHERE target = '\(name)'
                """)
        }
        try? admin.execute("DROP DATABASE \(source)")
    }

    private var yaml: String {
        let login = { (server: ConnectionOptions) in
            "host: \(server.host), port: \(server.port), user: \(server.user), password_env: TM_TEST_PASSWORD"
        }
        return """
            source: { \(login(TestServer.options())), server_id: \(7000 + id % 1000) }
            targets: { \(name): { \(login(TestTargetServer.options())), database: \(target) } }
            mappings: [ { source: \(source).blobs, targets: [\(name)] }, { source: \(source).keyless, targets: [\(name)] } ]
            admin: { listen: "off" }
            """
    }

    /// The same rows on both sides, in any order (a keyless table's rows have no order of their own).
    private func identical(_ admin: MariaDBConnection, _ table: String) -> Bool {
        let digest = table == "blobs"
            ? "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0), GROUP_CONCAT(id, ':', MD5(body) ORDER BY id) FROM %@.blobs"
            : "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', n, note))), SUM(n) FROM %@.keyless"
        guard let original = try? admin.query(digest.replacingOccurrences(of: "%@", with: source)).rows,
              let copied = try? TestTargetServer.connect().query(digest.replacingOccurrences(of: "%@", with: target)).rows else { return false }
        return original == copied
    }

    private func copyDone(_ table: String) -> Bool {
        let progress = try? onReplicas(waiting: 0) {
            try CopyProgressStore.progress(target: name, source: QualifiedTableName(database: source, table: table), on: $0)
        }
        return progress?.state == .done
    }

    private func requestCopy(_ table: String) throws {
        try onReplicas { try CopyProgressStore.request(target: name, source: QualifiedTableName(database: source, table: table), reason: "resync", on: $0) }
    }

    /// Peak and current resident memory of a process, in bytes (VmHWM and VmRSS of /proc/PID/status).
    private func residentMemory(_ pid: Int32) -> (peak: Int, now: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ field: String) -> Int? {
            status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
                .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }.flatMap { Int($0) }
        }
        guard let peak = kilobytes("VmHWM"), let now = kilobytes("VmRSS") else { return nil }
        return (peak * 1024, now * 1024)
    }

    @Test(.enabled(if: DaemonProcess.isBuilt))
    func residentMemoryStaysUnderTheBoundThroughA64MiBRowAndA500kRowKeylessTable() throws {
        let admin = try TestServer.connect()
        try setUp(admin, keylessRows: 250_000)
        defer { tearDown(admin) }
        let daemon = try DaemonProcess(yaml: yaml)
        defer { daemon.stop() }
        let pid = daemon.process.processIdentifier
        // The initial copy of the keyless table's first 250,000 rows, then 250,000 more streamed in one transaction.
        #expect(waitUntil(180, every: 0.5) { (try? onReplicas(waiting: 0) { try CheckpointStore.read(target: name, from: $0) }) != nil })
        try admin.execute("INSERT INTO \(source).keyless SELECT seq, CONCAT('s', seq) FROM \(source).seq_250001_to_500000")
        #expect(waitUntil(240, every: 0.5) { identical(admin, "keyless") }, "the streamed rows did not arrive")
        print("bounded memory: peak resident \((residentMemory(pid)?.peak ?? 0) >> 20) MiB after 500,000 keyless rows copied and streamed")
        // A 64 MiB row, streamed.
        try admin.execute("INSERT INTO \(source).blobs VALUES (1, REPEAT(RANDOM_BYTES(1024), 65536)), (2, 'small')")
        #expect(waitUntil(240, every: 0.5) { identical(admin, "blobs") }, "the 64 MiB row did not arrive intact")
        print("bounded memory: peak resident \((residentMemory(pid)?.peak ?? 0) >> 20) MiB after the 64 MiB row")
        // Both tables copied online again (a resync): the 500,000 keyless rows from one snapshot, in pieces.
        try onReplicas { try $0.execute("DELETE FROM \(target).keyless WHERE n % 2 = 0") }
        for table in ["keyless", "blobs"] { try requestCopy(table) }
        #expect(waitUntil(300, every: 0.5) { copyDone("keyless") && copyDone("blobs") }, "the copies did not finish")
        #expect(waitUntil(60, every: 0.5) { identical(admin, "keyless") && identical(admin, "blobs") },
                "the replicas differ from the source after the copies")

        let memory = try #require(residentMemory(pid), "no /proc/\(pid)/status")
        let bound = MemoryBudget.residentBound(targets: 1, largestRow: 64 << 20)
        print("bounded memory: peak resident \(memory.peak >> 20) MiB, now \(memory.now >> 20) MiB, bound \(bound >> 20) MiB")
        #expect(memory.peak <= bound, "peak resident memory \(memory.peak >> 20) MiB over the bound of \(bound >> 20) MiB")
        #expect(daemon.stop() == 0)
    }

    @Test func aKeylessTableIsNeverSeenHalfCopied() throws {
        let admin = try TestServer.connect()
        // About 12 MiB of SQL: the copy goes to the target in several pieces.
        try setUp(admin, keylessRows: 100_000, width: 100)
        defer { tearDown(admin) }
        let configuration = try ConfigurationParser(file: "memory.yaml").parse(yaml)
        let running = RunningReplicator(configuration, targets: [name: TestTargetServer.options()], source: TestServer.options())
        defer { running.stop() }
        #expect(waitUntil(180) { running.status.snapshot()[name]?.state == .streaming })
        try onReplicas { try $0.execute("DELETE FROM \(target).keyless WHERE n > 50000") }
        // A reader of the replica counts its rows all through the copy, while the source keeps inserting.
        let stop = StopSignal()
        let counts = LockedBox<[Int]>([])
        let reader = Thread {
            var watcher: MariaDBConnection?
            while !stop.isStopped {
                watcher = watcher ?? (try? TestTargetServer.connect())
                guard let count = (try? watcher?.query("SELECT COUNT(*) FROM \(target).keyless").string(0, 0)).flatMap({ $0.flatMap { Int($0) } })
                else { watcher = nil; usleep(100_000); continue }
                counts.modify { $0.append(count) }
            }
        }
        reader.start()
        let writer = Thread {
            guard let writing = try? TestServer.connect() else { return }
            var next = 100_001
            while !stop.isStopped && next < 100_500 {
                _ = try? writing.execute("INSERT INTO \(source).keyless VALUES (\(next), 'during')")
                next += 1
                usleep(2_000)
            }
        }
        writer.start()
        try requestCopy("keyless")
        let copied = waitUntil(180, every: 0.2) { copyDone("keyless") }
        usleep(300_000)
        stop.stop()
        #expect(copied, "the copy did not finish")
        #expect(waitUntil(60, every: 0.5) { identical(admin, "keyless") }, "the replica differs from the source after the copy")
        let seen = counts.value
        // Before the copy's one transaction commits, the damaged half and the rows streamed since; after, everything.
        let partial = seen.filter { $0 > 50_500 && $0 < 100_000 }
        #expect(partial.isEmpty, "the replica was seen half-copied: \(partial.prefix(5)) rows")
        #expect(seen.contains { $0 >= 100_000 })
        let progress = try onReplicas {
            try CopyProgressStore.progress(target: name, source: QualifiedTableName(database: source, table: "keyless"), on: $0)
        }
        #expect(progress?.chunks == 1 && (progress?.rows ?? 0) >= 100_000)
    }
}
