import BinlogDecoding
import MariaDBClient
import Testing
@testable import TablemirrorEngine

/// The supervisor's decisions without a server: failures told apart, backoff that carries across reconnects,
/// careful passes taken once, and the stops each class ends in.
struct RetryPolicyTests {
    private func at(_ offset: UInt64, _ file: String = "bin.000002") -> BinlogPosition { BinlogPosition(file: file, offset: offset) }
    private var policy: RetryPolicy { RetryPolicy(firstWait: 1, maximumWait: 30, quietPeriod: 150) }

    @Test func failuresAreToldApart() {
        let purgedByFile = MariaDBError(code: 1236, sqlState: "HY000",
                                        message: "Could not find first log file name in binary log index file", context: "reading")
        let purgedByGTID = MariaDBError(code: 1236, sqlState: "HY000",
                                        message: "Could not find GTID state requested by slave in any binlog files. Probably the slave state is too old and required binlog files have been purged.",
                                        context: "reading")
        let otherRefusal = MariaDBError(code: 1236, sqlState: "HY000", message: "log event entry exceeded max_allowed_packet", context: "reading")
        let refused = MariaDBError(code: 2002, sqlState: "HY000", message: "Can't connect", context: "connecting")
        let lost = MariaDBError(code: 2013, sqlState: "HY000", message: "Lost connection", context: "running")
        let deadlock = MariaDBError(code: 1213, sqlState: "40001", message: "Deadlock", context: "running")
        let duplicate = MariaDBError(code: 1062, sqlState: "23000", message: "Duplicate entry '?'", context: "running")
        let packet = MariaDBError(code: 1153, sqlState: "08S01", message: "Got a packet bigger than 'max_allowed_packet' bytes", context: "running")
        let corrupt = EngineError.corruptEvent(source: "s", position: at(4), underlying: .truncated(what: "event", needed: 4, available: 1))

        // The reader wraps the stream's errors; the class sees through that.
        #expect(FailureClass.of(EngineError.database(purgedByFile), fromSource: true) == .binlogPurged)
        #expect(FailureClass.of(purgedByGTID, fromSource: true) == .binlogPurged)
        #expect(FailureClass.of(otherRefusal, fromSource: true) == .sourceRefused)
        #expect(FailureClass.of(refused, fromSource: true) == .sourceUnreachable)
        #expect(FailureClass.of(refused, fromSource: false) == .targetConnection)
        #expect(FailureClass.of(lost, fromSource: false) == .targetConnection)
        #expect(FailureClass.of(deadlock, fromSource: false) == .transient)
        #expect(FailureClass.of(duplicate, fromSource: false) == .refused)
        #expect(FailureClass.of(packet, fromSource: false) == .statementTooLarge)
        #expect(FailureClass.of(StatementTooLarge(bytes: 20, limit: 10), fromSource: false) == .statementTooLarge)
        #expect(FailureClass.of(RowTooLarge(table: "p.t", keyColumns: ["id"], position: at(4), what: "insert", bytes: 20, limit: 10),
                                fromSource: false) == .rowTooLarge)
        #expect(FailureClass.of(corrupt, fromSource: true) == .corruptEvent)
        let refusedDDL = EngineError.schemaChange(target: "t", position: at(4), sourceStatement: "ALTER", statement: "ALTER", reason: "no")
        #expect(FailureClass.of(refusedDDL, fromSource: true) == .refused, "the reader's own refusals are not retried")
        let denied = MariaDBError(code: 1045, sqlState: "28000", message: "Access denied", context: "connecting")
        #expect(FailureClass.of(denied, fromSource: true) == .sourceRefused)
        #expect(FailureClass.of(SchemaChangeRunner.StillRunning(position: at(4), connectionID: 7), fromSource: false) == .transient)

        #expect(FailureClass.binlogPurged.failure == .binlogPurged)
        #expect(FailureClass.rowTooLarge.failure == .rowTooLarge)
        #expect(FailureClass.sourceUnreachable.failure == .sourceUnreachable)
        #expect(FailureClass.refused.failure == .target)
    }

    @Test func backoffDoublesToItsMaximumAcrossReconnects() {
        var policy = self.policy
        var waits: [Double] = []
        for second in 0..<8 {
            // The pipeline reconnects between failures, but the checkpoint never moves: the count goes on.
            guard case let .retry(wait, attempt) = policy.decide(.targetConnection, checkpoint: at(100), failedAt: nil, wasCareful: false,
                                                                 carefulUntil: nil, now: Double(second * 10)) else {
                Issue.record("a lost connection is retried")
                return
            }
            #expect(attempt == second + 1)
            waits.append(wait)
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30])
    }

    @Test func progressOrAQuietPeriodStartsTheCountAgain() {
        var policy = self.policy
        _ = policy.decide(.transient, checkpoint: at(100), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 0)
        _ = policy.decide(.transient, checkpoint: at(100), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 1)
        #expect(policy.attempts == 2)
        // The checkpoint moved since the last failure: a first failure again.
        #expect(policy.decide(.transient, checkpoint: at(200), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 2)
                    == .retry(afterSeconds: 1, attempt: 1))
        _ = policy.decide(.sourceUnreachable, checkpoint: at(200), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 3)
        // A new binlog file counts as progress too.
        #expect(policy.decide(.sourceUnreachable, checkpoint: at(4, "bin.000003"), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 4)
                    == .retry(afterSeconds: 1, attempt: 1))
        _ = policy.decide(.targetConnection, checkpoint: at(4, "bin.000003"), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 5)
        #expect(policy.attempts == 2)
        // Running without a failure for the quiet period (an idle source) also starts again.
        #expect(policy.decide(.targetConnection, checkpoint: at(4, "bin.000003"), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 200)
                    == .retry(afterSeconds: 1, attempt: 1))
    }

    @Test func aRefusedChangeIsAppliedCarefullyOnceThenStops() {
        var policy = self.policy
        #expect(policy.decide(.refused, checkpoint: at(100), failedAt: at(900), wasCareful: false, carefulUntil: nil, now: 0)
                    == .applyCarefully(until: at(900)))
        #expect(policy.decide(.refused, checkpoint: at(100), failedAt: at(500), wasCareful: true, carefulUntil: at(900), now: 1)
                    == .stop(alert: .target))
        // Failing again inside the stretch already applied carefully (not careful now): stop rather than loop.
        #expect(policy.decide(.refused, checkpoint: at(100), failedAt: at(900), wasCareful: false, carefulUntil: at(900), now: 2)
                    == .stop(alert: .target))
        // A later refusal, past that stretch, gets its own careful pass.
        #expect(policy.decide(.refused, checkpoint: at(950), failedAt: at(2000), wasCareful: false, carefulUntil: at(900), now: 3)
                    == .applyCarefully(until: at(2000)))
        // Nothing applied yet (no position): nothing to apply carefully.
        #expect(policy.decide(.refused, checkpoint: nil, failedAt: nil, wasCareful: false, carefulUntil: nil, now: 4) == .stop(alert: .target))
    }

    @Test func aStatementTooLargeIsPinnedToItsRowThenStops() {
        var policy = self.policy
        #expect(policy.decide(.statementTooLarge, checkpoint: at(100), failedAt: at(900), wasCareful: false, carefulUntil: nil, now: 0)
                    == .applyCarefully(until: at(900)))
        #expect(policy.decide(.rowTooLarge, checkpoint: at(100), failedAt: at(500), wasCareful: true, carefulUntil: at(900), now: 1)
                    == .stop(alert: .rowTooLarge))
        // Still too large as a whole statement in the careful pass (a copied chunk): stop under the same kind.
        #expect(policy.decide(.statementTooLarge, checkpoint: at(100), failedAt: at(500), wasCareful: true, carefulUntil: at(900), now: 2)
                    == .stop(alert: .rowTooLarge))
        #expect(policy.attempts == 0, "size failures are never retried")
    }

    @Test func sourceSideStopsNameTheirKind() {
        var policy = self.policy
        #expect(policy.decide(.binlogPurged, checkpoint: at(100), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 0)
                    == .stop(alert: .binlogPurged))
        #expect(policy.decide(.corruptEvent, checkpoint: at(100), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 1)
                    == .stop(alert: .corruptEvent))
        #expect(policy.decide(.sourceRefused, checkpoint: at(100), failedAt: nil, wasCareful: false, carefulUntil: nil, now: 2)
                    == .stop(alert: .target))
        #expect(ReplicatorStatus.Failure.binlogPurged.remedy(target: "orders")?.contains("tablemirror reseed --target orders") == true)
    }
}
