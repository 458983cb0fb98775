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
        // Digits go straight into one byte buffer; the String is made once at the end.
        var text = [UInt8]()
        text.reserveCapacity(precision + 3)
        if isNegative { text.append(UInt8(ascii: "-")) }
        let integralStart = text.count
        let leadingWidth = bytesForDigits[integral % 9]
        if leadingWidth > 0 { appendDigits(group(leadingWidth), width: 0, to: &text) }
        for _ in 0..<(integral / 9) { appendDigits(group(4), width: text.count == integralStart ? 0 : 9, to: &text) }
        // No integral digits at all (DECIMAL(20,20)), or every group was zero: the integral part is "0".
        if text.count == integralStart { text.append(UInt8(ascii: "0")) }
        if scale > 0 {
            text.append(UInt8(ascii: "."))
            for _ in 0..<(scale / 9) { appendDigits(group(4), width: 9, to: &text) }
            let trailing = scale % 9
            if trailing > 0 { appendDigits(group(bytesForDigits[trailing]), width: trailing, to: &text) }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `value` zero-padded to `width` digits; width 0 means no padding and nothing at all for zero
    /// (leading groups of the integral part drop their leading zeros).
    private static func appendDigits(_ value: UInt32, width: Int, to text: inout [UInt8]) {
        if width == 0 && value == 0 { return }
        var digitCount = 0
        var probe = value
        while probe > 0 {
            digitCount += 1
            probe /= 10
        }
        if digitCount < width { text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digitCount)) }
        // Nine digits at most: fill them in place from the right.
        let start = text.count
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
        var remaining = value
        var index = start + digitCount - 1
        while remaining > 0 {
            text[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
            index -= 1
        }
    }
}
