/// The alert a target's state raises when it cannot go on, in one place: `AlertMonitor` alerts on it and
/// `ReplicatorMetrics` exports it as `tablemirror_target_failure{kind}`, so a Prometheus rule on that gauge fires
/// on exactly what tablemirror's own alert fires on, with the same spelling.
extension ReplicatorStatus.Target {
    /// Every kind `failureAlertKind` can take: the metric has one series per kind (0 or 1), so a rule sees a
    /// failure begin rather than a series appear.
    static let failureAlertKinds: [String] =
        ReplicatorStatus.Failure.allCases.filter { $0 != .target }.map(\.rawValue) + ["target-stopped", "target-unreachable"]

    /// Stopped: the failure's own alert (`binlog-purged`, `row-too-large`, …), or `target-stopped` for an error in
    /// the target. Retrying: `source-unreachable` when the source is what fails, else `target-unreachable`.
    /// Anything else (starting, copying, streaming, standby, finished): nil.
    var failureAlertKind: String? {
        switch state {
        case .stopped:
            guard let failure, failure != .target else { return "target-stopped" }
            return failure.rawValue
        case .retrying:
            return failure == .sourceUnreachable ? "source-unreachable" : "target-unreachable"
        default:
            return nil
        }
    }
}
