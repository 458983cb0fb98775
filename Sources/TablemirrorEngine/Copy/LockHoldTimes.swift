/// How long a copy's snapshots held their table locks (the `table-lock` method), chunk by chunk: the price the
/// source's writers to those tables paid, reported when the copy ends.
struct LockHoldTimes: Equatable {
    private(set) var seconds: [Double] = []

    mutating func add(_ held: Double?) {
        if let held { seconds.append(held) }
    }

    /// The value at or below which the fraction `share` of the times lie (nearest rank).
    func percentile(_ share: Double) -> Double? {
        guard !seconds.isEmpty else { return nil }
        let sorted = seconds.sorted()
        let rank = Int((share * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// `tables locked for the snapshots: p50 0.8 ms, p99 2.0 ms, max 2.3 ms over 31 chunks`; nil when none was.
    var summary: String? {
        guard let p50 = percentile(0.5), let p99 = percentile(0.99), let max = seconds.max() else { return nil }
        func ms(_ value: Double) -> String { String(format: "%.1f ms", value * 1000) }
        return "tables locked for the snapshots: p50 \(ms(p50)), p99 \(ms(p99)), max \(ms(max)) over \(seconds.count) chunk\(seconds.count == 1 ? "" : "s")"
    }
}
