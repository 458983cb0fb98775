import Foundation
import Testing
@testable import TablemirrorEngine

struct ProgressReportTests {
    @Test func reportsRateShareAndTimeLeftAtMostEveryInterval() {
        var report = ProgressReport(total: 10_000)
        let start = Date()
        #expect(report.line(rows: 10, finished: false, now: start) == nil, "too soon after the start")
        let line = report.line(rows: 4_000, finished: false, now: start.addingTimeInterval(4))
        #expect(line?.hasPrefix("4000 rows of ~10000 (40%), ") == true, "\(line ?? "nil")")
        #expect(line?.contains("left") == true)
        #expect(report.line(rows: 4_100, finished: false, now: start.addingTimeInterval(4.5)) == nil)
        #expect(report.line(rows: 10_000, finished: true, now: start.addingTimeInterval(5))?.hasSuffix("done") == true)
    }

    @Test func durationsReadNaturally() {
        #expect(ProgressReport.duration(4.25) == "4.2 s" || ProgressReport.duration(4.25) == "4.3 s")
        #expect(ProgressReport.duration(75) == "1 min 15 s")
        #expect(ProgressReport.duration(7_260) == "2 h 1 min")
    }
}
