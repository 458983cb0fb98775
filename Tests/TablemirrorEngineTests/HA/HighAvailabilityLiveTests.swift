import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Two `tablemirror run` processes on one configuration with `ha:` (each with an admin port and an id of its own,
/// since both run on this host), during the convergence tests' randomized workload.
@Suite("High availability, live", .serialized, .enabled(if: TestServer.isConfigured))
struct HighAvailabilityLiveTests {
    let workload = ProductWorkload(id: UInt32.random(in: 0..<UInt32.max))
    static let lease = (seconds: 3.0, renew: 1.0, check: 1.0)
    var targets: [String] { [workload.ordersTarget, workload.purchasingTarget] }

    private func adminPort(_ name: String, round: Int) -> Int {
        adminTestPort(workload.id &+ UInt32(round * 2 + (name == "a" ? 0 : 1)))
    }

    /// - Parameter throughSocket: this daemon reaches the targets through the server's Unix socket, as another
    ///   client host would (`USER()` is tm@localhost there, tm@127.0.0.1 over TCP).
    /// - Parameter mappings: more mapping lines for the configuration.
    /// - Parameter sourcePort: where this daemon reaches the source (a relay the test can cut).
    private func daemon(_ name: String, round: Int, cannotReach unreachable: String? = nil, throughSocket: Bool = false,
                        mappings: String = "", sourcePort: Int? = nil, stepDownSeconds: Int? = nil) throws -> DaemonProcess {
        let port = adminPort(name, round: round)
        var yaml = workload.configuration.replacingOccurrences(of: "admin: { listen: \"127.0.0.1:\(adminTestPort(workload.id))\" }",
                                                               with: "admin: { listen: \"127.0.0.1:\(port)\" }")
        if let unreachable {
            // That target's server, for this daemon, is a port nothing listens on.
            yaml = yaml.split(separator: "\n").map { line in
                line.hasPrefix("  \(unreachable):") ? line.replacingOccurrences(of: "port: \(TestServer.options().port)", with: "port: 1") : String(line)
            }.joined(separator: "\n")
        }
        if let sourcePort {
            yaml = yaml.split(separator: "\n").map { line in
                line.hasPrefix("source:") ? line.replacingOccurrences(of: "port: \(TestServer.options().port)", with: "port: \(sourcePort)") : String(line)
            }.joined(separator: "\n")
        }
        if throughSocket, let socket = TestServer.socketPath {
            let server = TestServer.options()
            yaml = yaml.split(separator: "\n").map { line in
                line.hasPrefix("  ") ? line.replacingOccurrences(of: "host: \(server.host), port: \(server.port)", with: "socket: \"\(socket)\"") : String(line)
            }.joined(separator: "\n")
        }
        return try DaemonProcess(yaml: yaml + mappings + """

            ha: { lease_seconds: \(Int(Self.lease.seconds)), renew_seconds: \(Int(Self.lease.renew)), check_seconds: \(Int(Self.lease.check)), id: \(name)\(round)\(stepDownSeconds.map { ", step_down_seconds: \($0)" } ?? "") }
            """)
    }

    /// Ends the workload and expects every replica to come to equal its source.
    private func endWorkload(_ stop: StopSignal, _ done: ResultBox, _ admin: MariaDBConnection, within seconds: Double = 120) {
        stop.stop()
        done.wait()
        #expect(waitUntil(seconds) { workload.differences(admin).isEmpty }, "replicas differ: \(workload.differences(admin))")
    }

    private func holders(_ admin: MariaDBConnection) -> [String: String] {
        let rows = (try? admin.query("""
            SELECT target, holder FROM _tablemirror.lease WHERE target IN ('\(workload.ordersTarget)', '\(workload.purchasingTarget)')
            """).rows) ?? []
        return Dictionary(rows.map { (String(decoding: $0[0] ?? [], as: UTF8.self), String(decoding: $0[1] ?? [], as: UTF8.self)) },
                          uniquingKeysWith: { first, _ in first })
    }

    /// When the target's checkpoint row was last written (the target's clock, seconds).
    private func lastCommit(_ admin: MariaDBConnection, _ target: String) -> Double? {
        (try? admin.query("SELECT UNIX_TIMESTAMP(updated_at) FROM _tablemirror.checkpoint WHERE target = '\(target)'").string(0, 0))
            .flatMap { $0 }.flatMap(Double.init)
    }

    private func now(_ admin: MariaDBConnection) -> Double {
        (try? admin.query("SELECT UNIX_TIMESTAMP(NOW(6))").string(0, 0)).flatMap { $0 }.flatMap(Double.init) ?? 0
    }

    @Test(.enabled(if: DaemonProcess.isBuilt))
    func theLeaderKilledTenTimesIsTakenOverEachTimeWithNothingLostOrDoubled() throws {
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer { workload.removeEverything(admin) }
        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: 150)
        var daemons = ["a0": try daemon("a", round: 0), "b0": try daemon("b", round: 0)]
        #expect(waitUntil(60) { Set(holders(admin).keys) == Set(targets) && targets.allSatisfy { lastCommit(admin, $0) != nil } },
                "no daemon took the leases: \(holders(admin))")
        var previous: [String: Checkpoint] = [:]
        var takeovers: [Double] = []
        for round in 1...10 {
            usleep(UInt32.random(in: 500_000...2_500_000))
            // The daemon leading the orders target dies; whatever it led is taken over by the other.
            let led = holders(admin)
            guard let leader = led[workload.ordersTarget], let process = daemons.removeValue(forKey: leader) else {
                Issue.record("round \(round): no known leader in \(led)")
                break
            }
            let killedAt = now(admin)
            process.kill()
            let survivor = daemons.keys.first ?? ""
            let tookOver = waitUntil(Self.lease.seconds + Self.lease.check + 20) {
                targets.allSatisfy { target in
                    led[target] != leader || (holders(admin)[target] == survivor && (lastCommit(admin, target) ?? 0) > killedAt)
                }
            }
            #expect(tookOver, "round \(round): \(survivor) did not take over from \(leader): \(holders(admin))")
            takeovers.append((targets.compactMap { lastCommit(admin, $0) }.max() ?? killedAt) - killedAt)
            for target in targets {
                guard let checkpoint = try CheckpointStore.read(target: target, from: admin) else { continue }
                if let before = previous[target] {
                    #expect(!checkpoint.position.isBefore(before.position), "\(target): checkpoint moved back: \(before) → \(checkpoint)")
                }
                previous[target] = checkpoint
            }
            let fresh = leader.hasPrefix("a") ? "a\(round)" : "b\(round)"
            daemons[fresh] = try daemon(String(fresh.prefix(1)), round: round)
        }
        print("[HA] kill to the new leader's first commit, s: \(takeovers.map { String(format: "%.2f", $0) }.joined(separator: ", "))")
        endWorkload(stop, done, admin, within: 300)
        for process in daemons.values { #expect(process.stop() == 0) }
    }

    @Test(.enabled(if: DaemonProcess.isBuilt))
    func aPausedLeaderWakingAfterTheTakeoverCommitsNothingAndStandsBy() throws {
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer {
            workload.removeEverything(admin)
            _ = try? admin.execute("DROP TRIGGER IF EXISTS _tablemirror.tm_test_commits_\(workload.id); DROP TABLE IF EXISTS _tablemirror.tm_test_commits_\(workload.id)")
        }
        let target = workload.ordersTarget
        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: Int.max)
        let first = try daemon("a", round: 0)
        #expect(waitUntil(60) { holders(admin)[target] == "a0" && lastCommit(admin, target) != nil })
        let second = try daemon("b", round: 0)
        // A log of the connections that commit this target's checkpoint, kept by the target itself.
        try admin.execute("""
            CREATE TABLE IF NOT EXISTS _tablemirror.tm_test_commits_\(workload.id) (connection_id BIGINT UNSIGNED, at TIMESTAMP(6));
            CREATE TRIGGER _tablemirror.tm_test_commits_\(workload.id) AFTER UPDATE ON _tablemirror.checkpoint FOR EACH ROW
              INSERT INTO _tablemirror.tm_test_commits_\(workload.id) VALUES (IF(NEW.target = '\(target)', CONNECTION_ID(), NULL), NOW(6))
            """)
        usleep(1_000_000)
        kill(first.process.processIdentifier, SIGSTOP)
        let pausedAt = now(admin)
        // Once under the whole suite's load the new leader's first commit came later than 24 s after the pause
        // (cause not found; it does not happen alone): it is given up to InnoDB's lock wait timeout more.
        #expect(waitUntil(Self.lease.seconds + Self.lease.check + 20 + 50) {
            holders(admin)[target] == "b0" && (lastCommit(admin, target) ?? 0) > pausedAt
        }, "the standby did not take over and commit: \(holders(admin)), last commit \(String(describing: lastCommit(admin, target))) vs paused at \(pausedAt)")
        // The new leader applies for a while, then the old one wakes up.
        usleep(2_000_000)
        kill(first.process.processIdentifier, SIGCONT)
        usleep(UInt32((Self.lease.seconds + 3) * 1_000_000))
        endWorkload(stop, done, admin)
        let leaderConnection = try admin.query("SELECT connection_id FROM _tablemirror.lease WHERE target = '\(target)'").string(0, 0)
        let committers = try admin.query("""
            SELECT DISTINCT connection_id FROM _tablemirror.tm_test_commits_\(workload.id)
            WHERE connection_id IS NOT NULL AND at > FROM_UNIXTIME(\(pausedAt + Self.lease.seconds + Self.lease.check))
            """).rows.map { String(decoding: $0[0] ?? [], as: UTF8.self) }
        #expect(!committers.isEmpty && committers.allSatisfy { $0 == leaderConnection },
                "after the takeover, commits came from \(committers), the new leader's applier is \(leaderConnection ?? "-")")
        #expect(holders(admin)[target] == "b0")
        // The new leader's status says so, with whom it took over from; the old one's says it stands by.
        let (_, leading) = httpRequest("http://127.0.0.1:\(adminPort("b", round: 0))/status")
        #expect(leading.contains(#""role":"leader""#) && leading.contains(#""took_over":{"at""#) && leading.contains(#""from":"a0""#),
                "new leader's status: \(leading)")
        let (_, waiting) = httpRequest("http://127.0.0.1:\(adminPort("a", round: 0))/status")
        #expect(waiting.contains(#""role":"standby""#) && waiting.contains(#""state":"standby""#), "old leader's status: \(waiting)")
        #expect(first.stop() == 0 && second.stop() == 0)
    }

    /// Daemons on different hosts reach the targets as different sessions (`user@host`), and the read-only triggers
    /// let exactly one session write: each new leader sets them to its own before it applies, so the replicas follow
    /// whoever leads, and refuse the daemon that led before.
    @Test(.enabled(if: DaemonProcess.isBuilt && TestServer.socketPath != nil))
    func daemonsOnDifferentHostsHandOverAndTheGuardFollowsTheLeader() throws {
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer { workload.removeEverything(admin) }
        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: Int.max)
        let overTCP = try daemon("a", round: 0)
        #expect(waitUntil(60) { targets.allSatisfy { holders(admin)[$0] == "a0" && lastCommit(admin, $0) != nil } }, "\(holders(admin))")
        let overSocket = try daemon("b", round: 0, throughSocket: true)
        usleep(1_000_000)
        // Taken once the former leader has exited: a commit after it is the new leader's (the former one commits
        // its last group while it stops).
        #expect(overTCP.stop() == 0)
        let handedOverAt = now(admin)
        #expect(waitUntil(30) { targets.allSatisfy { holders(admin)[$0] == "b0" && (lastCommit(admin, $0) ?? 0) > handedOverAt } },
                "the daemon reaching the targets through the socket did not take over and apply: \(holders(admin))")
        // The TCP session (this test's, tm@127.0.0.1, as the former leader's) is refused now.
        #expect(throws: MariaDBError.self) { try admin.execute("DELETE FROM \(workload.orders).items LIMIT 1") }
        let back = try daemon("a", round: 1)
        usleep(1_000_000)
        #expect(overSocket.stop() == 0)
        let handedBackAt = now(admin)
        #expect(waitUntil(30) { targets.allSatisfy { holders(admin)[$0] == "a1" && (lastCommit(admin, $0) ?? 0) > handedBackAt } },
                "the TCP daemon did not take the targets back: \(holders(admin))")
        endWorkload(stop, done, admin)
        #expect(back.stop() == 0)
    }

    @Test(.enabled(if: DaemonProcess.isBuilt))
    func aDaemonThatCannotReachATargetLeadsTheOthersAndAnotherLeadsThatOne() throws {
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer { workload.removeEverything(admin) }
        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: Int.max)
        let partial = try daemon("a", round: 0, cannotReach: workload.purchasingTarget)
        #expect(waitUntil(60) { holders(admin)[workload.ordersTarget] == "a0" }, "a0 does not lead orders: \(holders(admin))")
        let whole = try daemon("b", round: 0)
        #expect(waitUntil(60) { holders(admin)[workload.purchasingTarget] == "b0" && lastCommit(admin, workload.purchasingTarget) != nil },
                "b0 does not lead purchasing: \(holders(admin))")
        usleep(2_000_000)
        endWorkload(stop, done, admin)
        #expect(holders(admin) == [workload.ordersTarget: "a0", workload.purchasingTarget: "b0"])
        let (_, standing) = httpRequest("http://127.0.0.1:\(adminPort("b", round: 0))/status")
        #expect(standing.contains(#""leader":"a0""#), "b0's status: \(standing)")
        #expect(partial.stop() == 0 && whole.stop() == 0)
    }

    /// The daemon leading a target is killed once while it copies a table for a resync (asked of the standby's
    /// endpoint), and once while the target runs a schema change; each time the new leader finishes the work.
    /// The copy is held up halfway by this test's row lock on the replica, released once the standby has taken over;
    /// the ALTER copies the table, long enough to be caught running.
    @Test(.enabled(if: DaemonProcess.isBuilt))
    func aResyncAndASchemaChangeInProgressWhenTheLeaderDiesAreFinishedByTheNewLeader() throws {
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer { workload.removeEverything(admin) }
        let target = workload.ordersTarget
        try admin.execute("CREATE TABLE \(workload.source).bulk (id INT PRIMARY KEY, pad VARCHAR(200)); "
            + "INSERT INTO \(workload.source).bulk SELECT seq, REPEAT(CHAR(65 + seq % 26), 150) FROM \(workload.source).seq_1_to_150000")
        let bulk = "\n  - { source: \(workload.source).bulk, targets: [\(target)] }"
        let bulkSame = "SELECT COUNT(*) = 150000 AND SUM(CRC32(CONCAT(id, pad))) = (SELECT SUM(CRC32(CONCAT(id, pad))) FROM \(workload.source).bulk) FROM \(workload.orders).bulk"
        func copyState() -> (state: String, rows: Int)? {
            guard let result = try? admin.query("""
                SELECT state, rows_copied FROM _tablemirror.copy WHERE target = '\(target)' AND source_table = 'bulk'
                """), !result.rows.isEmpty else { return nil }
            return (result.string(0, 0) ?? "", Int(result.string(0, 1) ?? "") ?? 0)
        }
        /// The copy has got halfway and stays there: held up at the test's lock.
        func copyHeldUpHalfway() -> Bool {
            guard let before = copyState(), before.state == "copying", before.rows > 0 else { return false }
            usleep(2_000_000)
            return copyState()?.rows == before.rows && before.rows < 150_000
        }
        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: Int.max)
        var daemons = ["a0": try daemon("a", round: 0, mappings: bulk)]
        #expect(waitUntil(120) { holders(admin)[target] == "a0" && (try? admin.query(bulkSame).string(0, 0)) == "1" }, "initial copy")
        daemons["b0"] = try daemon("b", round: 0, mappings: bulk)

        // A resync asked of the standby: kept in the target, run by the leader, which stops halfway at the lock.
        let blocker = try TestServer.connect()
        try blocker.execute("BEGIN")
        _ = try blocker.query("SELECT id FROM \(workload.orders).bulk WHERE id BETWEEN 100000 AND 100010 FOR UPDATE")
        #expect(waitUntil(10) { httpRequest("http://127.0.0.1:\(adminPort("b", round: 0))/status").1.contains(#""leader":"a0""#) })
        let (code, answer) = httpRequest("http://127.0.0.1:\(adminPort("b", round: 0))/resync/\(workload.source).bulk?target=\(target)", method: "POST")
        #expect(code == 202 && answer.contains("is led by daemon a0"), "\(code) \(answer)")
        #expect(waitUntil(60) { copyHeldUpHalfway() }, "the copy did not get halfway: \(String(describing: copyState()))")
        let applier = try admin.query("SELECT p.STATE, LEFT(p.INFO, 60) FROM information_schema.PROCESSLIST p JOIN _tablemirror.lease l ON l.connection_id = p.ID WHERE l.target = '\(target)'")
        print("[HA] the leader's applier while the copy is held up: \(applier.rows.indices.map { (applier.string($0, 0) ?? "-") + " " + (applier.string($0, 1) ?? "-") })")
        let halfway = copyState()
        daemons.removeValue(forKey: "a0")?.kill()
        #expect(waitUntil(Self.lease.seconds + Self.lease.check + 20) { holders(admin)[target] == "b0" }, "\(holders(admin))")
        try blocker.execute("ROLLBACK")
        #expect(waitUntil(120) { copyState()?.state == "done" && (try? admin.query(bulkSame).string(0, 0)) == "1" },
                "the new leader did not finish the resync: \(String(describing: copyState())), halfway \(String(describing: halfway))")
        daemons["a1"] = try daemon("a", round: 1, mappings: bulk)

        // A schema change that the target runs while the leader dies: the new leader neither loses it nor runs it twice.
        try admin.execute("ALTER TABLE \(workload.source).bulk ADD COLUMN extra INT NOT NULL DEFAULT 7, ALGORITHM=COPY")
        let running = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'ALTER TABLE `\(workload.orders)`.`bulk`%'"
        #expect(waitUntil(60, every: 0.01) { (try? admin.query(running).string(0, 0)) == "1" }, "the target's ALTER was not seen running")
        daemons.removeValue(forKey: "b0")?.kill()
        #expect(waitUntil(Self.lease.seconds + Self.lease.check + 20) { holders(admin)[target] == "a1" }, "\(holders(admin))")
        try admin.execute("UPDATE \(workload.source).bulk SET extra = 8 WHERE id <= 100")
        endWorkload(stop, done, admin)
        let extras = "SELECT COUNT(*), SUM(extra) FROM \(workload.orders).bulk"
        #expect(waitUntil(60) { (try? admin.query(extras).string(0, 1)) == "\(100 * 8 + 149900 * 7)" },
                "\(String(describing: try? admin.query(extras).rows))")
        for process in daemons.values { #expect(process.stop() == 0) }
    }

    /// A leader that can reach its targets but not the source (its path to the source cut) hands the targets over
    /// to a daemon that can read the source, after `step_down_seconds`.
    @Test(.enabled(if: DaemonProcess.isBuilt))
    func aLeaderThatCannotReadTheSourceHandsItsTargetsToOneThatCan() throws {
        let admin = try TestServer.connect()
        try admin.execute(workload.schema)
        defer { workload.removeEverything(admin) }
        let stop = StopSignal()
        let done = workload.start(until: stop, bigAfter: Int.max)
        let relay = try TCPRelay(to: TestServer.options().port)
        let cutOff = try daemon("a", round: 0, sourcePort: relay.port, stepDownSeconds: 4)
        #expect(waitUntil(60) { targets.allSatisfy { holders(admin)[$0] == "a0" && lastCommit(admin, $0) != nil } }, "\(holders(admin))")
        let reading = try daemon("b", round: 0, stepDownSeconds: 4)
        usleep(1_000_000)
        relay.cut()
        let cutAt = now(admin)
        #expect(waitUntil(4 + Self.lease.seconds + Self.lease.check + 30) {
            targets.allSatisfy { holders(admin)[$0] == "b0" && (lastCommit(admin, $0) ?? 0) > cutAt }
        }, "the daemon reading the source did not take over: \(holders(admin))")
        let handedOver = now(admin) - cutAt
        endWorkload(stop, done, admin)
        #expect(waitUntil(Self.lease.seconds + Self.lease.check + 10) {
            let standing = httpRequest("http://127.0.0.1:\(adminPort("a", round: 0))/status").1
            return standing.contains(#""role":"standby""#) && standing.contains(#""leader":"b0""#) && !standing.contains(#""failure""#)
        }, "a0's status: \(httpRequest("http://127.0.0.1:\(adminPort("a", round: 0))/status").1)")
        print("[HA] source path cut to the other daemon's commits on both targets: \(String(format: "%.1f", handedOver)) s")
        #expect(cutOff.stop() == 0 && reading.stop() == 0)
    }
}
