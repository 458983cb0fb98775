import Testing
@testable import TablemirrorEngine

/// The SVG chart drawn on the server: one point per sample, on a scale that holds the largest.
struct LagChartTests {
    @Test func onePointPerSampleScaledToTheLargest() throws {
        var history = LagHistory()
        for index in 0..<5 { history.offer(LagHistory.Sample(at: 1000 + Double(index) * 10, lagSeconds: Double(index), lagBytes: nil, rows: index * 100)) }
        let chart = LagChart().svg(history, now: 1040)
        #expect(chart.points == 5)
        #expect(chart.svg.hasPrefix("<svg class=\"lag-chart\"") && chart.svg.hasSuffix("</svg>"))
        #expect(chart.svg.contains("data-points=\"5\""))
        let lag = try #require(chart.svg.firstMatch(of: #/<polyline class="lag" fill="none" points="([^"]*)"/>/#)?.1)
        let points = lag.split(separator: " ")
        #expect(points.count == 5)
        // The last sample (4 s, the largest on a 5 s scale) is at "now", the right edge, 80 % up.
        #expect(points.last == "556.0,32.0")
        #expect(chart.svg.contains(">5 s</text>"))
    }

    @Test func anEmptyHistoryIsAnEmptyChart() {
        let chart = LagChart().svg(LagHistory(), now: 0)
        #expect(chart.points == 0 && chart.svg.contains("points=\"\""))
    }

    @Test(arguments: [(0.0, 1.0), (0.3, 0.5), (3.0, 5.0), (7.0, 10.0), (12.0, 20.0), (1234.0, 2000.0), (Double.infinity, 1.0)])
    func scalesEndOnOneTwoOrFive(value: Double, ceiling: Double) {
        #expect(LagChart().niceCeiling(value) == ceiling)
    }
}
