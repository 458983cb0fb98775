import Testing
@testable import TablemirrorEngine

struct LockHoldTimesTests {
    @Test func percentilesAreNearestRankOverTheChunks() throws {
        var times = LockHoldTimes()
        #expect(times.summary == nil)
        for milliseconds in 1...100 { times.add(Double(milliseconds) / 1000) }
        times.add(nil)
        #expect(times.percentile(0.5) == 0.05)
        #expect(times.percentile(0.99) == 0.099)
        #expect(times.summary == "tables locked for the snapshots: p50 50.0 ms, p99 99.0 ms, max 100.0 ms over 100 chunks")
        var one = LockHoldTimes()
        one.add(0.0012)
        #expect(one.summary == "tables locked for the snapshots: p50 1.2 ms, p99 1.2 ms, max 1.2 ms over 1 chunk")
    }
}
