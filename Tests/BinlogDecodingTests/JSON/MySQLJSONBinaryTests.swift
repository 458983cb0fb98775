import Testing
@testable import BinlogDecoding

private typealias Encoder = BinaryJSONTestEncoder

private func decode(_ bytes: [UInt8]) throws(BinlogDecodingError) -> JSONValue {
    try MySQLJSONBinary.decode(bytes[...])
}

private func text(_ bytes: [UInt8]) throws -> String {
    try decode(bytes).jsonText()
}

private func roundTrip(_ value: JSONValue, large: Bool = false) throws -> String {
    let decoded = try decode(Encoder.document(value, large: large))
    #expect(decoded == value)
    return decoded.jsonText()
}

private func expectFailure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(throws: BinlogDecodingError.self, sourceLocation: sourceLocation) { _ = try decode(bytes) }
}

/// An opaque value holding a packed temporal integer.
private func packedOpaque(_ typeCode: UInt8, _ packed: Int64) -> JSONValue {
    .opaque(typeCode: typeCode, bytes: Encoder.littleEndian(packed, 8))
}

@Suite struct MySQLJSONBinaryScalarTests {
    @Test func emptyInputIsNull() throws {
        #expect(try decode([]) == .null)
        #expect(try text([]) == "null")
    }

    @Test func literals() throws {
        #expect(try text([0x04, 0x00]) == "null")
        #expect(try text([0x04, 0x01]) == "true")
        #expect(try text([0x04, 0x02]) == "false")
        expectFailure([0x04, 0x03])
        expectFailure([0x04])
    }

    @Test func integersOfEveryWidth() throws {
        #expect(try text([0x05, 0x00, 0x80]) == "-32768")
        #expect(try text([0x06, 0xFF, 0xFF]) == "65535")
        #expect(try text([0x07, 0x00, 0x00, 0x00, 0x80]) == "-2147483648")
        #expect(try text([0x08, 0xFF, 0xFF, 0xFF, 0xFF]) == "4294967295")
        #expect(try text([0x09, 0, 0, 0, 0, 0, 0, 0, 0x80]) == "-9223372036854775808")
        #expect(try text([0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) == "9223372036854775807")
        #expect(try text([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) == "18446744073709551615")
        #expect(try decode([0x06, 0x01, 0x00]) == .uint64(1))
        #expect(try decode([0x05, 0xFF, 0xFF]) == .int64(-1))
        expectFailure([0x05, 0x01])
        expectFailure([0x09, 1, 2, 3, 4, 5, 6, 7])
        expectFailure([0x0A, 1])
    }

    @Test(arguments: [
        (1.5, "1.5"), (3.0, "3.0"), (-3.0, "-3.0"), (0.0, "0.0"), (-0.0, "-0.0"), (100.0, "100.0"),
        (0.1, "0.1"), (0.001, "0.001"), (0.1 + 0.2, "0.30000000000000004"), (1e300, "1e300"),
        (-2.5e-20, "-2.5e-20"), (1e14, "100000000000000.0"), (123456789012345.0, "123456789012345.0"),
        (1e15, "1e15"), (1234567890123456.0, "1.234567890123456e15"), (1234567890123456.7, "1234567890123456.8"),
        (123456789012345678901.0, "1.2345678901234568e20"), (1e-15, "0.000000000000001"), (1e-16, "1e-16"),
        (1.25e-15, "0.00000000000000125"), (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e308"),
        (-1234.5678, "-1234.5678"), (3.141592653589793, "3.141592653589793"),
    ])
    func doublesPrintAsMySQLDoes(value: Double, expected: String) throws {
        let bytes = [0x0B] + Encoder.littleEndian(value.bitPattern, 8)
        #expect(try text(bytes) == expected)
        #expect(JSONValue.double(value).jsonText() == expected)
    }

    @Test func nonFiniteDoublesAreRejected() {
        expectFailure([0x0B] + Encoder.littleEndian(Double.nan.bitPattern, 8))
        expectFailure([0x0B] + Encoder.littleEndian(Double.infinity.bitPattern, 8))
        #expect(JSONValue.double(.infinity).jsonText() == "0.0")
    }

    @Test func strings() throws {
        #expect(try text([0x0C, 0x05] + Array("hello".utf8)) == "\"hello\"")
        #expect(try text([0x0C, 0x00]) == "\"\"")
        let long = String(repeating: "abcdefghij", count: 30)
        #expect(try text([0x0C, 0xAC, 0x02] + Array(long.utf8)) == "\"" + long + "\"")
        #expect(try roundTrip(.string(String(repeating: "x", count: 20000))).count == 20002)
    }

    @Test func stringEscapes() throws {
        let raw = "q\"b\\s/\n\t\r\u{08}\u{0C}\u{01}\u{1F}\u{7F}end"
        let expected = "\"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\u0001\\u001f\u{7F}end\""
        #expect(try roundTrip(.string(raw)) == expected)
        #expect(try roundTrip(.string("\r\n")) == "\"\\r\\n\"")
        #expect(try roundTrip(.string("\u{00}")) == "\"\\u0000\"")
    }

    @Test func unicodeStringsPrintAsUTF8() throws {
        #expect(try roundTrip(.string("héllo 日本 🎉👩‍👩‍👧")) == "\"héllo 日本 🎉👩‍👩‍👧\"")
        // Four-byte UTF-8 as raw bytes: U+1F600.
        #expect(try text([0x0C, 0x04, 0xF0, 0x9F, 0x98, 0x80]) == "\"😀\"")
    }

    @Test func malformedStringLengths() {
        expectFailure([0x0C])
        expectFailure([0x0C, 0x05, 0x61, 0x62])
        expectFailure([0x0C, 0x80])
        expectFailure([0x0C, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
        expectFailure([0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        expectFailure([0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
    }

    @Test func unknownTypeByte() {
        expectFailure([0x0D, 0x00])
        expectFailure([0x10])
        expectFailure([0xFF, 0, 0, 0, 0])
    }

    @Test func trailingBytesAfterTheValueAreIgnored() throws {
        #expect(try text([0x04, 0x01, 0xEE, 0xEE]) == "true")
    }

    @Test func decodesASliceThatDoesNotStartAtZero() throws {
        let document = Encoder.document(.object([.init("k", .array([.int64(1), .string("v")]))]))
        let padded = [0xAA, 0xBB, 0xCC] + document + [0xDD]
        let value = try MySQLJSONBinary.decode(padded[3..<(3 + document.count)])
        #expect(value.jsonText() == "{\"k\": [1, \"v\"]}")
    }
}

@Suite struct MySQLJSONBinaryContainerTests {
    @Test func handBuiltSmallObject() throws {
        // {"a": 1}: count 1, size 12, key entry (offset 11, length 1), value entry (int16 inlined 1), "a".
        let bytes: [UInt8] = [0x00, 0x01, 0x00, 0x0C, 0x00, 0x0B, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 0x61]
        #expect(try text(bytes) == "{\"a\": 1}")
        #expect(Encoder.document(.object([.init("a", .int64(1))])) == bytes)
    }

    @Test func handBuiltSmallArrayHoldingALargeArray() throws {
        // [[7]]: the outer array is small, the inner one large with its int16 inlined in four bytes.
        let inner: [UInt8] = [0x01, 0x00, 0x00, 0x00, 0x0D, 0x00, 0x00, 0x00, 0x05, 0x07, 0x00, 0x00, 0x00]
        let outer: [UInt8] = [0x02, 0x01, 0x00, UInt8(7 + inner.count), 0x00, 0x03, 0x07, 0x00] + inner
        #expect(try text(outer) == "[[7]]")
    }

    @Test func handBuiltArrayWithOffsetValues() throws {
        // ["ab", 70000]: the string and the int32 live after the header in a small array.
        let bytes: [UInt8] = [0x02, 0x02, 0x00, 0x11, 0x00,
                              0x0C, 0x0A, 0x00, 0x07, 0x0D, 0x00,
                              0x02, 0x61, 0x62, 0x70, 0x11, 0x01, 0x00]
        #expect(try text(bytes) == "[\"ab\", 70000]")
    }

    static let nested = JSONValue.object([
        .init("a", .int64(1)),
        .init("b", .array([.int64(1), .int64(2), .string("x")])),
        .init("c", .object([.init("d", .null), .init("e", .bool(true)), .init("f", .bool(false))])),
        .init("big", .array([.int64(70000), .int64(-70000), .uint64(4_000_000_000), .int64(-5_000_000_000),
                             .uint64(UInt64.max), .double(2.5)])),
    ])

    @Test(arguments: [false, true])
    func nestedDocument(large: Bool) throws {
        let expected = "{\"a\": 1, \"b\": [1, 2, \"x\"], \"c\": {\"d\": null, \"e\": true, \"f\": false}, "
            + "\"big\": [70000, -70000, 4000000000, -5000000000, 18446744073709551615, 2.5]}"
        #expect(try roundTrip(Self.nested, large: large) == expected)
    }

    @Test func emptyContainers() throws {
        #expect(try text([0x00, 0x00, 0x00, 0x04, 0x00]) == "{}")
        #expect(try text([0x02, 0x00, 0x00, 0x04, 0x00]) == "[]")
        #expect(try text([0x01, 0, 0, 0, 0, 0x08, 0, 0, 0]) == "{}")
        #expect(try text([0x03, 0, 0, 0, 0, 0x08, 0, 0, 0]) == "[]")
        #expect(try roundTrip(.array([.object([]), .array([]), .object([.init("", .array([]))])]))
            == "[{}, [], {\"\": []}]")
    }

    @Test func unicodeKeysAndValues() throws {
        let value = JSONValue.object([
            .init("é", .string("ü")),
            .init("日本", .string("🎉")),
            .init("emoji 😀", .array([.string("👍🏽"), .string("tab\there")])),
            .init("quote\"key", .int64(-1)),
        ])
        #expect(try roundTrip(value)
            == "{\"é\": \"ü\", \"日本\": \"🎉\", \"emoji 😀\": [\"👍🏽\", \"tab\\there\"], \"quote\\\"key\": -1}")
    }

    @Test func largeDocumentSwitchesToLargeFormat() throws {
        let big = String(repeating: "z", count: 70000)
        let value = JSONValue.array([.string(big), .int64(3), .object([.init("k", .string(big))])])
        let bytes = Encoder.document(value)
        #expect(bytes[0] == 0x03)
        #expect(try decode(bytes) == value)
    }

    @Test func maximumDepthIsAccepted() throws {
        var value = JSONValue.int64(1)
        for _ in 0..<MySQLJSONBinary.maximumDepth { value = .array([value]) }
        let decoded = try decode(Encoder.document(value))
        #expect(decoded == value)
        #expect(decoded.jsonText() == String(repeating: "[", count: 100) + "1" + String(repeating: "]", count: 100))
    }

    @Test(arguments: [false, true])
    func deeperNestingThrows(objects: Bool) {
        var value = JSONValue.int64(1)
        for _ in 0...MySQLJSONBinary.maximumDepth {
            value = objects ? .object([.init("k", value)]) : .array([value])
        }
        expectFailure(Encoder.document(value))
    }
}

@Suite struct MySQLJSONBinaryOpaqueTests {
    @Test func decimals() throws {
        // DECIMAL(5,2): 123.45 is 0x80 0x7B (integral 123, sign bit set) and 0x2D (fraction 45).
        let positive = JSONValue.opaque(typeCode: 246, bytes: [5, 2, 0x80, 0x7B, 0x2D])
        let negative = JSONValue.opaque(typeCode: 246, bytes: [5, 2, 0x7F, 0x84, 0xD2])
        let document = Encoder.document(.array([positive, negative]))
        #expect(try decode(document) == .array([.decimal("123.45"), .decimal("-123.45")]))
        #expect(try text(document) == "[123.45, -123.45]")
        #expect(try text(Encoder.document(.object([.init("price", positive)]))) == "{\"price\": 123.45}")
        // DECIMAL(4,2) 0.50 keeps its scale.
        #expect(try text(Encoder.document(.opaque(typeCode: 246, bytes: [4, 2, 0x80, 0x32]))) == "0.50")
    }

    @Test func malformedDecimals() {
        expectFailure(Encoder.document(.opaque(typeCode: 246, bytes: [5])))
        expectFailure(Encoder.document(.opaque(typeCode: 246, bytes: [5, 2, 0x80, 0x7B])))
        expectFailure(Encoder.document(.opaque(typeCode: 246, bytes: [5, 2, 0x80, 0x7B, 0x2D, 0x00])))
        expectFailure(Encoder.document(.opaque(typeCode: 246, bytes: [0, 0])))
    }

    @Test func temporalValues() throws {
        let datetime = JSONValue.opaque(typeCode: 12, bytes: [20, 10, 12, 184, 200, 68, 165, 25])
        let date = JSONValue.opaque(typeCode: 10, bytes: [0, 0, 0, 0, 0, 68, 165, 25])
        let time = JSONValue.opaque(typeCode: 11, bytes: [0, 0, 0, 5, 145, 203, 255, 255])
        let shortTime = JSONValue.opaque(typeCode: 11, bytes: [32, 161, 7, 184, 200, 0, 0, 0])
        let timestamp = JSONValue.opaque(typeCode: 7, bytes: [0, 0, 0, 251, 126, 255, 99, 25])
        let document = Encoder.document(.array([datetime, date, time, shortTime, timestamp]))
        #expect(try decode(document) == .array([
            .datetime("2020-01-02 12:34:56.789012"), .date("2020-01-02"), .time("-838:59:59.000000"),
            .time("12:34:56.500000"), .timestamp("1999-12-31 23:59:59.000000"),
        ]))
        #expect(try text(document) == "[\"2020-01-02 12:34:56.789012\", \"2020-01-02\", \"-838:59:59.000000\", "
            + "\"12:34:56.500000\", \"1999-12-31 23:59:59.000000\"]")
        #expect(try text(Encoder.document(packedOpaque(11, 0))) == "\"00:00:00.000000\"")
        #expect(try text(Encoder.document(packedOpaque(12, Int64.min))) != "")
    }

    @Test func shortTemporalDataThrows() {
        expectFailure(Encoder.document(.opaque(typeCode: 12, bytes: [1, 2, 3])))
        expectFailure(Encoder.document(.opaque(typeCode: 10, bytes: [])))
    }

    @Test func otherOpaqueValuesPrintAsBase64() throws {
        #expect(try text(Encoder.document(.opaque(typeCode: 15, bytes: [0xCA, 0xFE]))) == "\"base64:type15:yv4=\"")
        #expect(try text(Encoder.document(.opaque(typeCode: 252, bytes: [0x61]))) == "\"base64:type252:YQ==\"")
        #expect(try text(Encoder.document(.opaque(typeCode: 16, bytes: [1, 2, 3]))) == "\"base64:type16:AQID\"")
        #expect(try text(Encoder.document(.opaque(typeCode: 254, bytes: []))) == "\"base64:type254:\"")
        #expect(try decode(Encoder.document(.opaque(typeCode: 15, bytes: [0xCA, 0xFE])))
            == .opaque(typeCode: 15, bytes: [0xCA, 0xFE]))
    }

    @Test func longBase64WrapsEvery76CharactersLikeMySQL() throws {
        let bytes = (0..<120).map { UInt8($0) }
        let encoded = JSONText.base64(bytes)
        let lines = encoded.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.map(\.count) == [76, 76, 8])
        #expect(lines[0].hasPrefix("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4"))
        #expect(JSONText.base64(Array(repeating: 0, count: 57)).count == 76)
        #expect(JSONText.base64(Array(repeating: 0, count: 58)).count == 81)
        let printed = try text(Encoder.document(.opaque(typeCode: 252, bytes: bytes)))
        #expect(printed.contains("\\n"))
        #expect(!printed.contains("\n"))
    }

    @Test func opaqueVarStringPrintsAsAString() throws {
        #expect(try text(Encoder.document(.opaque(typeCode: 253, bytes: Array("hi \"x\"".utf8))))
            == "\"hi \\\"x\\\"\"")
    }

    @Test func truncatedOpaque() {
        expectFailure([0x0F])
        expectFailure([0x0F, 0x0F])
        expectFailure([0x0F, 0x0F, 0x03, 0x01, 0x02])
    }
}

@Suite struct MySQLJSONBinaryCorruptInputTests {
    @Test(arguments: [false, true])
    func everyTruncationThrows(large: Bool) {
        let document = Encoder.document(MySQLJSONBinaryContainerTests.nested, large: large)
        for length in 1..<document.count {
            expectFailure(Array(document[0..<length]))
        }
    }

    @Test func sizeLargerThanTheInput() {
        expectFailure([0x02, 0x00, 0x00, 0x10, 0x00])
        expectFailure([0x03, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test func absurdCounts() {
        expectFailure([0x02, 0xFF, 0xFF, 0x07, 0x00, 0x05, 0x01, 0x00])
        expectFailure([0x00, 0xFF, 0xFF, 0x04, 0x00])
        expectFailure([0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0x0D, 0, 0, 0, 0x05, 0x07, 0, 0, 0])
        expectFailure([0x01, 0xFF, 0xFF, 0xFF, 0x7F, 0x08, 0, 0, 0])
    }

    @Test func valueOffsetOutOfRange() {
        // One string element whose offset points past the end of the array.
        expectFailure([0x02, 0x01, 0x00, 0x09, 0x00, 0x0C, 0x40, 0x00, 0x01, 0x61])
        // ... or into the header itself (which would loop back onto the array).
        expectFailure([0x02, 0x01, 0x00, 0x09, 0x00, 0x02, 0x00, 0x00, 0x01, 0x61])
        // ... or exactly at the end.
        expectFailure([0x02, 0x01, 0x00, 0x09, 0x00, 0x0C, 0x09, 0x00, 0x01, 0x61])
    }

    @Test func valueRunningPastItsContainer() {
        // The string claims 5 bytes, but the array ends after one.
        expectFailure([0x02, 0x01, 0x00, 0x09, 0x00, 0x0C, 0x07, 0x00, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65])
    }

    @Test func keyOutOfRange() {
        // {"a": 1} with the key offset past the object, inside the header, and too long.
        expectFailure([0x00, 0x01, 0x00, 0x0C, 0x00, 0x30, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 0x61])
        expectFailure([0x00, 0x01, 0x00, 0x0C, 0x00, 0x02, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 0x61])
        expectFailure([0x00, 0x01, 0x00, 0x0C, 0x00, 0x0B, 0x00, 0x02, 0x00, 0x05, 0x01, 0x00, 0x61])
    }

    @Test func invalidInlinedLiteral() {
        expectFailure([0x02, 0x01, 0x00, 0x07, 0x00, 0x04, 0x09, 0x00])
    }

    @Test func unknownElementType() {
        expectFailure([0x02, 0x01, 0x00, 0x08, 0x00, 0x0E, 0x07, 0x00, 0x00])
    }

    @Test func sharedValuesAreRejected() {
        // Two elements pointing at the same string.
        expectFailure([0x02, 0x02, 0x00, 0x0C, 0x00, 0x0C, 0x0A, 0x00, 0x0C, 0x0A, 0x00, 0x01, 0x61])
    }

    @Test func exponentialSharingIsRejectedQuickly() {
        // A chain of small arrays, each holding two entries that both point at the next array:
        // 2^60 paths if it were followed. Each array: count 2, size, two entries -> offset 10.
        var tail: [UInt8] = [0x00, 0x00, 0x04, 0x00]  // the innermost: an empty array
        for _ in 0..<60 {
            let size = 10 + tail.count
            tail = [0x02, 0x00, UInt8(size & 0xFF), UInt8(size >> 8), 0x02, 0x0A, 0x00, 0x02, 0x0A, 0x00] + tail
        }
        expectFailure([0x02] + tail)
    }
}

/// Values a real MySQL 9.0.1 server wrote (the rows of the shared fixture
/// blackbeam__rust_mysql_common/json-opaque.binlog) and an 8.0.22 one (json.binlog.000001).
@Suite struct MySQLJSONBinaryServerBytesTests {
    private static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test(arguments: [
        ("0001000f000b0001000f0c00610f0155", "{\"a\": \"base64:type15:VQ==\"}"),
        ("00010016000b0001000f0c00620a080000000000e48b19", "{\"b\": \"2012-03-18\"}"),
        ("00010016000b0001000f0c00630c08000000adb7e48b19", "{\"c\": \"2012-03-18 11:30:45.000000\"}"),
        ("00010016000b0001000f0c00630b08f1fb09ee77050000", "{\"c\": \"87:31:46.654321\"}"),
        ("00010014000b0001000f0c0064f6060603807b01c8", "{\"d\": 123.456}"),
        ("00010015000b0001000f0c0065f6070b028000000900", "{\"e\": 9.00}"),
        ("0001001c000b000100020c006504001000050000050100040100040200", "{\"e\": [0, 1, true, false]}"),
        ("0001000c000b00010004000065", "{\"e\": null}"),
        ("0003003300190003001c000400200004000518000c24000c2f00616765646174616e616d650a78787878787878787878034a6f65",
         "{\"age\": 24, \"data\": \"xxxxxxxxxx\", \"name\": \"Joe\"}"),
    ])
    func serverWrittenDocuments(hexBytes: String, expected: String) throws {
        #expect(try MySQLJSONBinary.decode(Self.hex(hexBytes)[...]).jsonText() == expected)
    }

    @Test func serverWrittenPartialUpdate() throws {
        // UPDATE t SET json_col = JSON_REPLACE(json_col, '$.age', 26): REPLACE "$.age" with int16 26.
        let before = try MySQLJSONBinary.decode(Self.hex(
            "0003003300190003001c000400200004000519000c24000c2f00616765646174616e616d650a78787878787878787878034a6f65")[...])
        let after = try JSONPartialUpdate.apply(diffs: Self.hex("0005242e61676503051a00")[...], to: before)
        #expect(after.jsonText() == "{\"age\": 26, \"data\": \"xxxxxxxxxx\", \"name\": \"Joe\"}")
    }
}
