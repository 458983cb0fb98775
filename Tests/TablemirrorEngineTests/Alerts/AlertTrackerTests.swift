import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
@testable import TablemirrorEngine

struct AlertTrackerTests {
    private let lag = AlertCondition(kind: "lag", target: "orders", message: "behind", grace: 30)
    private let stopped = AlertCondition(kind: "target-stopped", target: "orders", message: "stopped")

    @Test func firesAfterTheGraceOnceThenRepeatsThenResolves() {
        var tracker = AlertTracker(repeatSeconds: 100)
        #expect(tracker.evaluate([lag], now: 0).isEmpty, "within the grace period")
        #expect(tracker.evaluate([lag], now: 29).isEmpty)
        let fired = tracker.evaluate([lag], now: 30)
        #expect(fired.map(\.state) == [.firing])
        #expect(fired.first?.key == "lag:orders" && fired.first?.since == 0)
        #expect(tracker.evaluate([lag], now: 60).isEmpty, "deduplicated while it lasts")
        #expect(tracker.evaluate([lag], now: 130).map(\.state) == [.firing], "repeated after the interval")
        let resolved = tracker.evaluate([], now: 140)
        #expect(resolved.map(\.state) == [.resolved])
        #expect(resolved.first?.message.hasPrefix("resolved: ") == true)
        #expect(tracker.evaluate([], now: 150).isEmpty)
    }

    @Test func aConditionShorterThanItsGraceNeverFiresNorResolves() {
        var tracker = AlertTracker(repeatSeconds: 0)
        #expect(tracker.evaluate([lag], now: 0).isEmpty)
        #expect(tracker.evaluate([], now: 10).isEmpty)
        #expect(tracker.evaluate([lag], now: 20).isEmpty, "the grace starts again")
    }

    @Test func withoutRepeatsAConditionFiresOnce() {
        var tracker = AlertTracker(repeatSeconds: 0)
        #expect(tracker.evaluate([stopped], now: 0).count == 1)
        #expect(tracker.evaluate([stopped], now: 10_000).isEmpty)
    }

    @Test func monitorConditionsFromTargetStates() {
        var alerts = Configuration.Alerts()
        alerts.lagSeconds = 10
        var behind = ReplicatorStatus.Target()
        behind.state = .streaming
        behind.pendingSince = 1_000
        var purged = ReplicatorStatus.Target()
        purged.state = .stopped(error: "gone")
        purged.failure = .binlogPurged
        var sourceDown = ReplicatorStatus.Target()
        sourceDown.state = .retrying(attempt: 2, error: "refused")
        sourceDown.failure = .sourceUnreachable
        let conditions = AlertMonitor.conditions(["a": behind, "b": purged, "c": sourceDown], deadLetters: ["a": 2],
                                                 alerts: alerts, now: Date(timeIntervalSince1970: 1_030))
        #expect(Set(conditions.map(\.key)) == ["lag:a", "dead-letter:a", "binlog-purged:b", "source-unreachable:c"])
    }
}

struct TargetLagSecondsTests {
    @Test func lagCountsFromTheOldestUncommittedOrUnreadTransaction() {
        var target = ReplicatorStatus.Target()
        let now = Date(timeIntervalSince1970: 1_000)
        #expect(target.lagSeconds(now: now) == 0, "nothing pending, nothing being read: caught up")
        target.readingSince = 940  // the reader is working through transactions from a minute ago
        #expect(target.lagSeconds(now: now) == 60)
        target.pendingSince = 900  // and the applier holds one older still
        #expect(target.lagSeconds(now: now) == 100)
        target.pendingSince = nil
        target.readingSince = nil  // a heartbeat: the reader has everything
        #expect(target.lagSeconds(now: now) == 0)
    }
}
