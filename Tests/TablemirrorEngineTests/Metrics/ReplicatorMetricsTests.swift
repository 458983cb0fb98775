import Foundation
import Testing
@testable import TablemirrorEngine

struct ReplicatorMetricsTests {
    @Test func theFailureGaugeIsOneForTheAlertTheTargetRaisesAndZeroForTheOtherKinds() {
        let status = ReplicatorStatus()
        status.update("orders") {
            $0.state = .stopped(error: "gone")
            $0.failure = .binlogPurged
        }
        status.update("billing") {
            $0.state = .retrying(attempt: 3, error: "refused")
            $0.failure = .target
        }
        status.update("archive") { $0.state = .streaming }
        let text = ReplicatorMetrics().exposition(status: status)
        #expect(text.contains(#"tablemirror_target_failure{target="orders",kind="binlog-purged"} 1"#))
        #expect(text.contains(#"tablemirror_target_failure{target="orders",kind="target-stopped"} 0"#))
        #expect(text.contains(#"tablemirror_target_failure{target="billing",kind="target-unreachable"} 1"#))
        for kind in ReplicatorStatus.Target.failureAlertKinds {
            #expect(text.contains("tablemirror_target_failure{target=\"archive\",kind=\"\(kind)\"} 0"))
        }
        #expect(ReplicatorStatus.Target.failureAlertKinds.count == 7)
    }

    @Test func countersExistAtZeroBeforeTheirFirstIncrementAndStoredDeadLettersOnceCounted() {
        let status = ReplicatorStatus()
        status.update("orders") { $0.state = .streaming }
        let metrics = ReplicatorMetrics()
        var text = metrics.exposition(status: status)
        for name in ["transactions_applied", "dead_letters", "copied_rows", "retries", "reader_events"] {
            #expect(text.contains("tablemirror_\(name)_total{target=\"orders\"} 0"), "\(name)")
        }
        #expect(text.contains(#"tablemirror_errors_total{target="orders",kind="source-unreachable"} 0"#))
        #expect(!text.contains("tablemirror_dead_letters_stored"), "not counted yet: no series rather than a false 0")

        metrics.count("tablemirror_errors_total", [("target", "orders"), ("kind", "target")])
        status.update("orders") { $0.storedDeadLetters = 2 }
        text = metrics.exposition(status: status)
        #expect(text.contains(#"tablemirror_errors_total{target="orders",kind="target"} 1"#), "the increment lands on the started series")
        #expect(text.contains(#"tablemirror_dead_letters_stored{target="orders"} 2"#))
    }
}
