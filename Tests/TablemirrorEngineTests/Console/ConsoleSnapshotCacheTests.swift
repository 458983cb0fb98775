import Foundation
import Testing
@testable import TablemirrorEngine

/// Page loads share one snapshot for two seconds.
struct ConsoleSnapshotCacheTests {
    private func snapshot(_ at: Double) -> ConsoleSnapshot {
        ConsoleSnapshot(takenAt: Date(timeIntervalSince1970: at), report: StatusReport(head: nil, targets: [], maxLag: 60), live: [:],
                        details: [:], alerts: AlertLog())
    }

    @Test func aSnapshotIsReusedForTwoSeconds() {
        let cache = ConsoleSnapshotCache()
        var clock = 100.0, reads = 0
        func take() -> Double {
            cache.snapshot(now: { Date(timeIntervalSince1970: clock) }) {
                reads += 1
                return snapshot(clock)
            }.takenAt.timeIntervalSince1970
        }
        #expect(take() == 100)
        clock = 101.5
        #expect(take() == 100 && reads == 1)
        clock = 102.5
        #expect(take() == 102.5 && reads == 2)
    }
}
