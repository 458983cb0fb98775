import Foundation

/// A small SVG line chart drawn on the server from a target's history: lag seconds (and rows/s as a second line
/// on its own scale) over the last hour, or since the daemon started. Every number in the SVG is computed here; no text from elsewhere goes in
/// except the axis labels this type writes.
public struct LagChart {
    public var width = 600.0
    public var height = 140.0
    private let margin = (left: 44.0, right: 44.0, top: 10.0, bottom: 20.0)

    public init() {}

    /// The chart of `history` up to `now`; `points` is how many lag samples were drawn.
    public func svg(_ history: LagHistory, now: Double) -> (svg: String, points: Int) {
        let samples = history.samples
        // The last hour, or less while the daemon has not run that long (five minutes at least): a fresh daemon's
        // chart is not a thin line at the right edge.
        let span = min(LagHistory.span, max(300, now - (samples.first?.at ?? now)))
        let start = now - span
        let lagMax = niceCeiling(samples.map(\.lagSeconds).max() ?? 0)
        let rates = history.rowRates
        let rateMax = niceCeiling(rates.map(\.rowsPerSecond).max() ?? 0)
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        func x(_ at: Double) -> Double { margin.left + max(0, min(1, (at - start) / span)) * plotWidth }
        func y(_ value: Double, _ top: Double) -> Double { margin.top + plotHeight * (1 - (top > 0 ? min(1, value / top) : 0)) }
        func polyline(_ points: [(Double, Double)], _ cls: String) -> String {
            let text = points.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
            return "<polyline class=\"\(cls)\" fill=\"none\" points=\"\(text)\"/>"
        }
        var out = "<svg class=\"lag-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "data-points=\"\(samples.count)\" role=\"img\" aria-label=\"lag over the last hour\">"
        out += "<rect class=\"plot\" x=\"\(margin.left)\" y=\"\(margin.top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\"/>"
        out += "<text class=\"axis lag\" x=\"2\" y=\"\(margin.top + 10)\">\(label(lagMax)) s</text>"
        out += "<text class=\"axis lag\" x=\"2\" y=\"\(margin.top + plotHeight)\">0</text>"
        out += "<text class=\"axis rows\" x=\"\(width - margin.right + 4)\" y=\"\(margin.top + 10)\">\(label(rateMax))/s</text>"
        out += "<text class=\"axis\" x=\"\(margin.left)\" y=\"\(height - 4)\">−\(Int((span / 60).rounded())) min</text>"
        out += "<text class=\"axis\" x=\"\(width - margin.right - 24)\" y=\"\(height - 4)\">now</text>"
        out += polyline(rates.map { (x($0.at), y($0.rowsPerSecond, rateMax)) }, "rows")
        out += polyline(samples.map { (x($0.at), y($0.lagSeconds, lagMax)) }, "lag")
        return (out + "</svg>", samples.count)
    }

    /// 1, 2 or 5 times a power of ten, at least `value` (1 for nothing).
    func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, floor(log10(value)))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= value } ?? 10 * power
    }

    private func label(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.0fk", value / 1000) : value >= 10 || value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }
}
