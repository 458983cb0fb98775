/// Character values converted to Unicode text the way the server's `CONVERT(value USING utf8mb4)` does, only
/// where the conversion is lossless and known to agree with the server: UTF-8 that is valid, latin1, the
/// single-byte sets (tables generated from the server), ucs2, utf16, utf16le and utf32, and sjis, cp932, big5,
/// gbk and gb2312 through iconv except where it disagrees with the server (`IconvText`). euckr, ujis, eucjpms and
/// gb18030 are not converted: iconv maps thousands of their characters differently from the server.
public enum CharsetText {
    /// The text of `bytes` in `charset`, or nil where tablemirror does not convert it losslessly.
    public static func utf8(_ bytes: [UInt8], in charset: Charset) -> String? {
        switch charset.name {
        case "utf8mb3", "utf8mb4": return UTF8Text.exact(bytes[...])
        case "latin1": return Latin1.decode(bytes[...])
        case "ucs2": return units(bytes, width: 2, bigEndian: true, surrogatePairs: false)
        case "utf16": return units(bytes, width: 2, bigEndian: true, surrogatePairs: true)
        case "utf16le": return units(bytes, width: 2, bigEndian: false, surrogatePairs: true)
        case "utf32": return units(bytes, width: 4, bigEndian: true, surrogatePairs: false)
        case "sjis", "cp932", "big5", "gbk", "gb2312": return IconvText.utf8(bytes, in: charset.name)
        default:
            guard let table = CharsetTables.singleByte[charset.name] else { return nil }
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                let code = table[Int(byte)]
                guard code != 0xFFFF, let scalar = Unicode.Scalar(code) else { return nil }
                scalars.append(scalar)
            }
            return String(scalars)
        }
    }

    /// Fixed-width code units; UTF-16 surrogate pairs joined where the set has them. A lone surrogate or a value
    /// past U+10FFFF is not text the server converts: nil.
    private static func units(_ bytes: [UInt8], width: Int, bigEndian: Bool, surrogatePairs: Bool) -> String? {
        guard bytes.count % width == 0 else { return nil }
        var scalars = String.UnicodeScalarView()
        var pendingHigh: UInt32?
        var index = 0
        while index < bytes.count {
            var unit: UInt32 = 0
            for offset in 0..<width {
                let byte = UInt32(bytes[index + (bigEndian ? offset : width - 1 - offset)])
                unit = unit << 8 | byte
            }
            index += width
            if let high = pendingHigh {
                guard (0xDC00...0xDFFF).contains(unit) else { return nil }
                pendingHigh = nil
                unit = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
            } else if surrogatePairs, (0xD800...0xDBFF).contains(unit) {
                pendingHigh = unit
                continue
            }
            guard let scalar = Unicode.Scalar(unit) else { return nil }
            scalars.append(scalar)
        }
        return pendingHigh == nil ? String(scalars) : nil
    }
}
