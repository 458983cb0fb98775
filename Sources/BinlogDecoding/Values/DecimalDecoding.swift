/// DECIMAL's binary form: groups of nine decimal digits in four big-endian bytes, a shorter group for the
/// leftover digits, the sign in the first bit (negative values stored with every bit inverted).
enum DecimalDecoding {
    /// Bytes needed for 0...9 leftover digits.
    private static let bytesForDigits: [Int] = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]

    static func storageSize(precision: Int, scale: Int) -> Int {
        let integral = precision - scale
        return (integral / 9) * 4 + bytesForDigits[integral % 9] + (scale / 9) * 4 + bytesForDigits[scale % 9]
    }

    static func decode(_ reader: inout ByteReader, precision: Int, scale: Int) throws(BinlogDecodingError) -> String {
        guard precision >= 1, precision <= 65, scale >= 0, scale <= 38, scale <= precision else {
            throw .malformed(what: "decimal metadata", detail: "precision \(precision), scale \(scale)")
        }
        let size = storageSize(precision: precision, scale: scale)
        let range = try reader.range(size, "decimal")
        let bytes = reader.bytes
        let isNegative = bytes[range.lowerBound] & 0x80 == 0
        let mask: UInt8 = isNegative ? 0xFF : 0x00
        var cursor = range.lowerBound

        func group(_ width: Int) -> UInt32 {
            var value: UInt32 = 0
            for index in 0..<width {
                var byte = bytes[cursor + index] ^ mask
                if cursor + index == range.lowerBound { byte ^= 0x80 }
                value = value << 8 | UInt32(byte)
            }
            cursor += width
            return value
        }

        let integral = precision - scale
        var digits = ""
        digits.reserveCapacity(precision + 2)
        let leadingWidth = bytesForDigits[integral % 9]
        if leadingWidth > 0 { digits += String(group(leadingWidth)) }
        for _ in 0..<(integral / 9) { digits += padded(group(4), to: 9) }
        // Drop leading zeros of the integral part, keeping one.
        var integralText = Substring(digits.drop { $0 == "0" })
        if integralText.isEmpty { integralText = "0" }
        var text = isNegative ? "-" : ""
        text += integralText
        if scale > 0 {
            text += "."
            for _ in 0..<(scale / 9) { text += padded(group(4), to: 9) }
            let trailing = scale % 9
            if trailing > 0 { text += padded(group(bytesForDigits[trailing]), to: trailing) }
        }
        return text
    }

    private static func padded(_ value: UInt32, to width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
