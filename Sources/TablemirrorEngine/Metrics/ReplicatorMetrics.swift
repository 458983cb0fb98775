import CoreMetrics
import Foundation
import Metrics
import Prometheus

/// The daemon's Prometheus metrics, through swift-metrics with a factory of its own (no global bootstrap, so
/// every replicator — and every test — has its own registry). Counters move as work is done; gauges are set
/// from the status when scraped.
public final class ReplicatorMetrics: @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let lock = NSLock()
    private var counters: [String: CoreMetrics.Counter] = [:]
    private var gauges: [String: CoreMetrics.Gauge] = [:]
    private var timers: [String: Metrics.Timer] = [:]

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Apply latency: a target transaction takes from under a millisecond to seconds.
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100),
                                                   .milliseconds(500), .seconds(2), .seconds(10), .seconds(60)]
        self.factory = factory
    }

    func count(_ name: String, _ dimensions: [(String, String)], by amount: Int = 1) {
        guard amount > 0 else { return }
        metric(name, dimensions, in: \.counters) { CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory) }
            .increment(by: amount)
    }

    func set(_ name: String, _ dimensions: [(String, String)], to value: Double) {
        metric(name, dimensions, in: \.gauges) { CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory) }.record(value)
    }

    func time(_ name: String, _ dimensions: [(String, String)], seconds: Double) {
        metric(name, dimensions, in: \.timers) { Metrics.Timer(label: name, dimensions: dimensions, factory: factory) }
            .recordNanoseconds(Int64(seconds * 1_000_000_000))
    }

    private func metric<Metric>(_ name: String, _ dimensions: [(String, String)],
                                in table: ReferenceWritableKeyPath<ReplicatorMetrics, [String: Metric]>,
                                make: () -> Metric) -> Metric {
        let key = name + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        lock.lock()
        defer { lock.unlock() }
        if let existing = self[keyPath: table][key] { return existing }
        let created = make()
        self[keyPath: table][key] = created
        return created
    }

    /// The Prometheus text, gauges refreshed from `status` first.
    public func exposition(status: ReplicatorStatus, now: Date = Date()) -> String {
        for (name, target) in status.snapshot() {
            let labels = [("target", name)]
            set("tablemirror_lag_seconds", labels, to: target.lagSeconds(now: now))
            if let bytes = target.lagBytes { set("tablemirror_lag_bytes", labels, to: Double(bytes)) }
            set("tablemirror_queue_depth", labels, to: Double(target.queueDepth))
            set("tablemirror_up", labels, to: target.state == .streaming ? 1 : 0)
            // The alert monitor's own conditions, one series per kind: what `target-stopped`, `source-unreachable`,
            // `binlog-purged`… fire on, for rules that must agree with them.
            let failing = target.failureAlertKind
            for kind in ReplicatorStatus.Target.failureAlertKinds {
                set("tablemirror_target_failure", labels + [("kind", kind)], to: failing == kind ? 1 : 0)
            }
            if let stored = target.storedDeadLetters { set("tablemirror_dead_letters_stored", labels, to: Double(stored)) }
            startCounters(labels)
        }
        return registry.emitToString()
    }

    /// Makes a target's counters exist at 0 before their first increment. A series that first appears at 1 has
    /// no earlier sample, so `increase()` and `rate()` miss that first error or dead letter; and a dashboard or
    /// rule on a counter that never moved would find nothing. (Rows per table are left out: the tables are
    /// known only once they change.)
    private func startCounters(_ labels: [(String, String)]) {
        for name in ["tablemirror_transactions_applied_total", "tablemirror_dead_letters_total", "tablemirror_copied_rows_total",
                     "tablemirror_retries_total", "tablemirror_reader_events_total"] {
            _ = metric(name, labels, in: \.counters) { CoreMetrics.Counter(label: name, dimensions: labels, factory: factory) }
        }
        // The kinds `Replicator+Supervision` counts errors under: a failure class while retrying, the alert when stopping.
        for kind in ReplicatorStatus.Failure.allCases.map(\.rawValue) {
            let dimensions = labels + [("kind", kind)]
            _ = metric("tablemirror_errors_total", dimensions, in: \.counters) {
                CoreMetrics.Counter(label: "tablemirror_errors_total", dimensions: dimensions, factory: factory)
            }
        }
    }
}
