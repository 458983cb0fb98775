@testable import BinlogDecoding
import Testing

struct DecimalDecodingTests {
    /// Encodes a decimal string the way the server does, so every precision and scale can be checked.
    static func encode(_ text: String, precision: Int, scale: Int) -> [UInt8] {
        let negative = text.hasPrefix("-")
        let parts = text.drop { $0 == "-" }.split(separator: ".", omittingEmptySubsequences: false)
        let integral = parts[0] == "0" ? "" : String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        let widths = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]
        let intDigits = String(repeating: "0", count: precision - scale - integral.count) + integral
        let fracDigits = fraction + String(repeating: "0", count: scale - fraction.count)
        var bytes: [UInt8] = []
        func put(_ digits: Substring, width: Int) {
            var value = UInt32(digits) ?? 0
            var group = [UInt8](repeating: 0, count: width)
            for index in stride(from: width - 1, through: 0, by: -1) {
                group[index] = UInt8(value & 0xFF)
                value >>= 8
            }
            bytes += group
        }
        let leading = intDigits.count % 9
        if leading > 0 { put(intDigits.prefix(leading), width: widths[leading]) }
        var rest = intDigits.dropFirst(leading)
        while !rest.isEmpty { put(rest.prefix(9), width: 4); rest = rest.dropFirst(9) }
        var frac = Substring(fracDigits)
        while frac.count >= 9 { put(frac.prefix(9), width: 4); frac = frac.dropFirst(9) }
        if !frac.isEmpty { put(frac, width: widths[frac.count]) }
        bytes[0] ^= 0x80
        if negative { bytes = bytes.map { ~$0 } }
        return bytes
    }

    @Test(arguments: [
        ("0.00", 10, 2), ("12.34", 10, 2), ("-12.34", 10, 2), ("99999999.99", 10, 2), ("-0.01", 10, 2),
        ("99999", 5, 0), ("-99999", 5, 0), ("0", 1, 0),
        ("99999999999999999999999999999999999.999999999999999999999999999999", 65, 30),
        ("-12345678901234567890123456789012345.123456789012345678901234567890", 65, 30),
        ("0.99999999999999999999", 20, 20), ("-0.00000000000000000001", 20, 20),
        ("123456789.123456789", 18, 9), ("1.5", 2, 1),
    ])
    func roundTrips(text: String, precision: Int, scale: Int) throws {
        var reader = ByteReader(Self.encode(text, precision: precision, scale: scale))
        #expect(try DecimalDecoding.decode(&reader, precision: precision, scale: scale) == text)
        #expect(reader.isAtEnd)
    }

    @Test func rejectsImpossibleMetadata() {
        var reader = ByteReader([0x80])
        #expect(throws: BinlogDecodingError.self) { try DecimalDecoding.decode(&reader, precision: 70, scale: 2) }
        #expect(throws: BinlogDecodingError.self) { try DecimalDecoding.decode(&reader, precision: 5, scale: 6) }
    }
}
