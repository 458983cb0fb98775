@testable import BinlogDecoding

/// A small MySQL binary JSON writer for building test inputs. It lays containers out as the server
/// does (header, keys, then the values that are not inlined) and picks the smallest integer type.
/// DECIMAL, temporal and other opaque values are given as `.opaque(typeCode:bytes:)`.
enum BinaryJSONTestEncoder {
    /// A whole document: type byte, then the value. `large` uses the large container format throughout.
    static func document(_ value: JSONValue, large: Bool = false) -> [UInt8] {
        let (type, body) = encode(value, large: large)
        return [type] + body
    }

    static func encode(_ value: JSONValue, large: Bool) -> (type: UInt8, bytes: [UInt8]) {
        switch value {
        case .null: return (0x04, [0x00])
        case let .bool(flag): return (0x04, [flag ? 0x01 : 0x02])
        case let .int64(number):
            if let small = Int16(exactly: number) { return (0x05, littleEndian(Int64(small), 2)) }
            if let medium = Int32(exactly: number) { return (0x07, littleEndian(Int64(medium), 4)) }
            return (0x09, littleEndian(number, 8))
        case let .uint64(number):
            if number <= UInt64(UInt16.max) { return (0x06, littleEndian(number, 2)) }
            if number <= UInt64(UInt32.max) { return (0x08, littleEndian(number, 4)) }
            return (0x0A, littleEndian(number, 8))
        case let .double(number):
            return (0x0B, littleEndian(number.bitPattern, 8))
        case let .string(text):
            let utf8 = Array(text.utf8)
            return (0x0C, variableLength(utf8.count) + utf8)
        case let .opaque(typeCode, bytes):
            return (0x0F, [typeCode] + variableLength(bytes.count) + bytes)
        case let .array(elements):
            return container(keys: nil, values: elements, large: large)
        case let .object(members):
            return container(keys: members.map(\.key), values: members.map(\.value), large: large)
        case .decimal, .date, .time, .datetime, .timestamp:
            fatalError("encode MySQL scalars as .opaque")
        }
    }

    static func container(keys: [String]?, values: [JSONValue], large: Bool) -> (type: UInt8, bytes: [UInt8]) {
        let offsetSize = large ? 4 : 2
        let isObject = keys != nil
        let count = values.count
        let headerSize = 2 * offsetSize + (isObject ? count * (offsetSize + 2) : 0) + count * (1 + offsetSize)
        var offset = headerSize
        var keyEntries: [UInt8] = []
        var keyBytes: [UInt8] = []
        for key in keys ?? [] {
            let utf8 = Array(key.utf8)
            keyEntries += littleEndian(UInt64(offset), offsetSize) + littleEndian(UInt64(utf8.count), 2)
            keyBytes += utf8
            offset += utf8.count
        }
        var valueEntries: [UInt8] = []
        var valueBytes: [UInt8] = []
        for value in values {
            if let (type, inline) = inlined(value, large: large) {
                valueEntries += [type] + inline + [UInt8](repeating: 0, count: offsetSize - inline.count)
            } else {
                let (type, bytes) = encode(value, large: large)
                valueEntries += [type] + littleEndian(UInt64(offset), offsetSize)
                valueBytes += bytes
                offset += bytes.count
            }
        }
        if !large && offset > 0xFFFF {
            return container(keys: keys, values: values, large: true)
        }
        let body = littleEndian(UInt64(count), offsetSize) + littleEndian(UInt64(offset), offsetSize)
            + keyEntries + valueEntries + keyBytes + valueBytes
        let type: UInt8 = isObject ? (large ? 0x01 : 0x00) : (large ? 0x03 : 0x02)
        return (type, body)
    }

    private static func inlined(_ value: JSONValue, large: Bool) -> (UInt8, [UInt8])? {
        switch value {
        case .null: return (0x04, [0x00])
        case let .bool(flag): return (0x04, [flag ? 0x01 : 0x02])
        case let .int64(number):
            if let small = Int16(exactly: number) { return (0x05, littleEndian(Int64(small), 2)) }
            if large, let medium = Int32(exactly: number) { return (0x07, littleEndian(Int64(medium), 4)) }
            return nil
        case let .uint64(number):
            if number <= UInt64(UInt16.max) { return (0x06, littleEndian(number, 2)) }
            if large, number <= UInt64(UInt32.max) { return (0x08, littleEndian(number, 4)) }
            return nil
        default:
            return nil
        }
    }

    static func littleEndian(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
    }

    static func littleEndian(_ value: Int64, _ width: Int) -> [UInt8] {
        littleEndian(UInt64(bitPattern: value), width)
    }

    /// The 7-bit group length used by strings and opaque values.
    static func variableLength(_ length: Int) -> [UInt8] {
        var remaining = length
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            bytes.append(byte)
        } while remaining > 0
        return bytes
    }

    /// The protocol's length-encoded integer, as diffs use for path and value lengths.
    static func lengthEncoded(_ length: Int) -> [UInt8] {
        switch length {
        case 0..<251: return [UInt8(length)]
        case 251..<0x1_0000: return [0xFC] + littleEndian(UInt64(length), 2)
        case 0x1_0000..<0x100_0000: return [0xFD] + littleEndian(UInt64(length), 3)
        default: return [0xFE] + littleEndian(UInt64(length), 8)
        }
    }
}
