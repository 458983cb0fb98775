import Testing
@testable import TablemirrorEngine

/// The hour of samples behind the console's chart.
struct LagHistoryTests {
    private func sample(_ at: Double, lag: Double = 0, rows: Int = 0) -> LagHistory.Sample {
        LagHistory.Sample(at: at, lagSeconds: lag, lagBytes: nil, rows: rows)
    }

    @Test func keepsOneSampleAnIntervalForAnHour() {
        var history = LagHistory()
        for second in 0...4000 { history.offer(sample(Double(second), rows: second * 10)) }
        #expect(history.samples.count == 361)
        #expect(history.samples.first?.at == 400 && history.samples.last?.at == 4000)
        #expect(zip(history.samples, history.samples.dropFirst()).allSatisfy { $1.at - $0.at == LagHistory.interval })
    }

    @Test func rowRatesAreBetweenConsecutiveSamples() {
        var history = LagHistory()
        history.offer(sample(100, rows: 0))
        history.offer(sample(110, rows: 500))
        history.offer(sample(120, rows: 500))
        #expect(history.rowRates.map(\.rowsPerSecond) == [50, 0])
        #expect(LagHistory().rowRates.isEmpty)
    }
}

struct AlertLogTests {
    private func alert(_ key: String, _ state: Alert.State, at: Double) -> Alert {
        Alert(key: key, kind: "lag", target: "orders", state: state, message: key, since: 0, at: at)
    }

    @Test func openUntilResolvedAndTheLatestFiftyKept() {
        var log = AlertLog()
        log.record(alert("lag:orders", .firing, at: 1))
        log.record(alert("lag:purchasing", .firing, at: 2))
        log.record(alert("lag:orders", .resolved, at: 3))
        #expect(Set(log.open.keys) == ["lag:purchasing"])
        #expect(log.recent.map(\.at) == [1, 2, 3])
        for index in 0..<60 { log.record(alert("k\(index)", .firing, at: Double(10 + index))) }
        #expect(log.recent.count == AlertLog.recentLimit && log.recent.last?.at == 69)
    }
}
