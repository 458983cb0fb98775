import BinlogDecoding
import Testing
@testable import TablemirrorEngine

struct TargetLagTests {
    private func at(_ file: String, _ offset: UInt64) -> BinlogPosition { BinlogPosition(file: file, offset: offset) }

    @Test func distanceWithinAndAcrossFiles() {
        let sizes: [String: UInt64] = ["b.000001": 1_000, "b.000002": 500, "b.000003": 300]
        #expect(TargetLag.distance(from: at("b.000001", 400), to: at("b.000001", 900), sizes: sizes) == 500)
        #expect(TargetLag.distance(from: at("b.000001", 400), to: at("b.000003", 100), sizes: sizes) == 600 + 500 + 100)
        #expect(TargetLag.distance(from: at("b.000003", 100), to: at("b.000001", 400), sizes: sizes) == 0, "ahead counts as caught up")
    }
}
