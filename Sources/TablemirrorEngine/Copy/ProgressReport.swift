import Foundation

/// Progress of a long copy as one line — rows, share of the estimate, rows/s, time left — at most every few
/// seconds, so a terminal and a log both show it moving without flooding either.
struct ProgressReport {
    static let interval: TimeInterval = 2

    /// The source's estimate of the rows to copy (InnoDB's TABLE_ROWS: approximate).
    let total: Int?
    private let started = Date()
    private let startRows: Int
    private var lastReport = Date()

    init(total: Int?, startRows: Int = 0) {
        self.total = total
        self.startRows = startRows
    }

    /// The line to print now, or nil if one was printed recently (the final line is always printed).
    mutating func line(rows: Int, finished: Bool, now: Date = Date()) -> String? {
        guard finished || now.timeIntervalSince(lastReport) >= Self.interval else { return nil }
        lastReport = now
        let seconds = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(rows - startRows) / seconds
        var text = "\(rows) rows"
        if finished {
            return text + " in \(Self.duration(seconds)) (\(Int(rate)) rows/s), done"
        }
        if let total, total > 0 {
            text += " of ~\(total) (\(min(100, rows * 100 / total))%)"
        }
        text += ", \(Int(rate)) rows/s"
        if let total, rate > 0, total > rows {
            text += ", about \(Self.duration(Double(total - rows) / rate)) left"
        }
        return text
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return seconds < 10 ? String(format: "%.1f s", seconds) : "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }
}
