@testable import BinlogDecoding
import Testing

struct ValueTextTests {
    @Test(arguments: [
        (1.5, "1.5"), (3.0, "3"), (-0.1, "-0.1"), (1e-5, "1e-5"), (0.0001, "0.0001"), (1.7976931348623157e308, "1.7976931348623157e308"),
        (-2.2250738585072014e-308, "-2.2250738585072014e-308"), (1e16, "1e16"), (123456789012345.6, "123456789012345.6"),
    ])
    func doubles(value: Double, text: String) {
        #expect(FloatText.format(value) == text)
        #expect(Double(FloatText.format(value)) == value)
    }

    @Test func floats() {
        #expect(FloatText.format(Float(0.5)) == "0.5")
        #expect(Float(FloatText.format(Float(3.40282e38))) == Float(3.40282e38))
        #expect(Float(FloatText.format(Float(-1.17549e-38))) == Float(-1.17549e-38))
    }

    @Test func yearsAndSets() {
        #expect(ColumnValue.year(0).sqlText == "0000")
        #expect(ColumnValue.year(2155).sqlText == "2155")
        #expect(ColumnValue.set(bits: 5, members: ["x", "z"]).sqlText == "x,z")
        #expect(ColumnValue.enumeration(index: 0, name: "").sqlText == "")
    }
}
