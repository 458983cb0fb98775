import Testing
@testable import BinlogDecoding

private typealias Encoder = BinaryJSONTestEncoder

/// One diff as the server writes it: operation, length-encoded path, and (unless REMOVE) the
/// length-encoded binary JSON value.
private func diff(_ operation: UInt8, _ path: String, _ value: JSONValue? = nil) -> [UInt8] {
    let pathBytes = Array(path.utf8)
    var bytes = [operation] + Encoder.lengthEncoded(pathBytes.count) + pathBytes
    if let value {
        let encoded = Encoder.document(value)
        bytes += Encoder.lengthEncoded(encoded.count) + encoded
    }
    return bytes
}

private let replace: UInt8 = 0
private let insert: UInt8 = 1
private let remove: UInt8 = 2

private func apply(_ diffs: [UInt8]..., to document: JSONValue) throws(BinlogDecodingError) -> JSONValue {
    try JSONPartialUpdate.apply(diffs: diffs.flatMap { $0 }[...], to: document)
}

private func expectRejected(_ diffs: [UInt8]..., to document: JSONValue,
                            sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(throws: BinlogDecodingError.self, sourceLocation: sourceLocation) {
        _ = try JSONPartialUpdate.apply(diffs: diffs.flatMap { $0 }[...], to: document)
    }
}

private let sample = JSONValue.object([
    .init("a", .int64(1)),
    .init("b", .array([.int64(10), .int64(20), .int64(30)])),
    .init("ccc", .object([.init("d", .array([.int64(1), .object([.init("e", .string("x"))])]))])),
])

@Suite struct JSONPartialUpdateTests {
    @Test func noDiffsLeaveTheDocumentAlone() throws {
        #expect(try JSONPartialUpdate.apply(diffs: [][...], to: sample) == sample)
    }

    @Test func replaceObjectMember() throws {
        let result = try apply(diff(replace, "$.a", .string("new")), to: sample)
        #expect(result.jsonText() == "{\"a\": \"new\", \"b\": [10, 20, 30], \"ccc\": {\"d\": [1, {\"e\": \"x\"}]}}")
    }

    @Test func replaceArrayElement() throws {
        let result = try apply(diff(replace, "$.b[1]", .double(2.5)), to: sample)
        #expect(result.jsonText().hasPrefix("{\"a\": 1, \"b\": [10, 2.5, 30], "))
        let last = try apply(diff(replace, "$.b[last]", .null), to: sample)
        #expect(last.jsonText().hasPrefix("{\"a\": 1, \"b\": [10, 20, null], "))
        let fromEnd = try apply(diff(replace, "$.b[last-2]", .bool(true)), to: sample)
        #expect(fromEnd.jsonText().hasPrefix("{\"a\": 1, \"b\": [true, 20, 30], "))
    }

    @Test func replaceDeepInside() throws {
        let result = try apply(diff(replace, "$.ccc.d[1].e", .array([.int64(1), .string("y")])), to: sample)
        #expect(result.jsonText() == "{\"a\": 1, \"b\": [10, 20, 30], \"ccc\": {\"d\": [1, {\"e\": [1, \"y\"]}]}}")
        // The original value is untouched (value semantics).
        #expect(sample.jsonText() == "{\"a\": 1, \"b\": [10, 20, 30], \"ccc\": {\"d\": [1, {\"e\": \"x\"}]}}")
    }

    @Test func replaceWholeContainer() throws {
        let result = try apply(diff(replace, "$.ccc", .object([])), to: sample)
        #expect(result.jsonText() == "{\"a\": 1, \"b\": [10, 20, 30], \"ccc\": {}}")
    }

    @Test func insertObjectMemberAtItsSortedPlace() throws {
        // MySQL keeps keys ordered by length, then bytes.
        let result = try apply(diff(insert, "$.bb", .int64(2)), diff(insert, "$.z", .int64(26)),
                               diff(insert, "$.abcd", .null), to: sample)
        #expect(result.jsonText()
            == "{\"a\": 1, \"b\": [10, 20, 30], \"z\": 26, \"bb\": 2, \"ccc\": {\"d\": [1, {\"e\": \"x\"}]}, \"abcd\": null}")
    }

    @Test func insertIntoEmptyObject() throws {
        let result = try apply(diff(insert, "$.k", .string("v")), to: .object([]))
        #expect(result == .object([.init("k", .string("v"))]))
    }

    @Test func insertIntoArray() throws {
        let array = JSONValue.array([.int64(1), .int64(2), .int64(3)])
        #expect(try apply(diff(insert, "$[0]", .int64(0)), to: array).jsonText() == "[0, 1, 2, 3]")
        #expect(try apply(diff(insert, "$[1]", .string("x")), to: array).jsonText() == "[1, \"x\", 2, 3]")
        #expect(try apply(diff(insert, "$[3]", .int64(4)), to: array).jsonText() == "[1, 2, 3, 4]")
        #expect(try apply(diff(insert, "$[99]", .int64(4)), to: array).jsonText() == "[1, 2, 3, 4]")
        #expect(try apply(diff(insert, "$[last]", .int64(9)), to: array).jsonText() == "[1, 2, 9, 3]")
        #expect(try apply(diff(insert, "$[last-7]", .int64(9)), to: array).jsonText() == "[9, 1, 2, 3]")
        #expect(try apply(diff(insert, "$[0]", .int64(1)), to: .array([])).jsonText() == "[1]")
    }

    @Test func insertNested() throws {
        let result = try apply(diff(insert, "$.ccc.d[1].f", .object([.init("g", .bool(false))])), to: sample)
        #expect(result.jsonText()
            == "{\"a\": 1, \"b\": [10, 20, 30], \"ccc\": {\"d\": [1, {\"e\": \"x\", \"f\": {\"g\": false}}]}}")
    }

    @Test func removeObjectMember() throws {
        let result = try apply(diff(remove, "$.b"), to: sample)
        #expect(result.jsonText() == "{\"a\": 1, \"ccc\": {\"d\": [1, {\"e\": \"x\"}]}}")
    }

    @Test func removeArrayElements() throws {
        #expect(try apply(diff(remove, "$.b[0]"), to: sample).jsonText().hasPrefix("{\"a\": 1, \"b\": [20, 30], "))
        #expect(try apply(diff(remove, "$.b[last]"), to: sample).jsonText().hasPrefix("{\"a\": 1, \"b\": [10, 20], "))
        #expect(try apply(diff(remove, "$.ccc.d[1]"), to: sample).jsonText().hasSuffix("\"ccc\": {\"d\": [1]}}"))
    }

    @Test func diffsApplyInOrder() throws {
        let result = try apply(diff(insert, "$.b[3]", .int64(40)), diff(remove, "$.b[0]"),
                               diff(replace, "$.b[0]", .int64(21)), diff(remove, "$.ccc"),
                               diff(insert, "$.ccc", .string("again")), to: sample)
        #expect(result.jsonText() == "{\"a\": 1, \"b\": [21, 30, 40], \"ccc\": \"again\"}")
    }

    @Test func quotedKeys() throws {
        let document = JSONValue.object([
            .init("é", .int64(1)),
            .init("b c", .int64(2)),
            .init("a.b", .int64(3)),
            .init("say \"hi\"", .object([.init("x[0]", .int64(4))])),
            .init("日本", .int64(5)),
            .init("😀", .array([.int64(6)])),
        ])
        let result = try apply(
            diff(replace, "$.\"b c\"", .int64(20)),
            diff(replace, "$.\"a.b\"", .int64(30)),
            diff(replace, "$.\"say \\\"hi\\\"\".\"x[0]\"", .int64(40)),
            diff(replace, "$.\"\\u00e9\"", .int64(10)),
            diff(replace, "$.日本", .int64(50)),
            diff(replace, "$.\"\\ud83d\\ude00\"[0]", .int64(60)),
            to: document)
        #expect(result.jsonText()
            == "{\"é\": 10, \"b c\": 20, \"a.b\": 30, \"say \\\"hi\\\"\": {\"x[0]\": 40}, \"日本\": 50, \"😀\": [60]}")
    }

    @Test func keysMatchByBytesNotByUnicodeEquivalence() {
        // "é" precomposed in the document, decomposed in the path: MySQL sees different keys.
        expectRejected(diff(replace, "$.\"e\u{0301}\"", .int64(1)), to: .object([.init("\u{00E9}", .int64(0))]))
    }

    @Test func longValuesUseWiderLengthPrefixes() throws {
        let long = String(repeating: "0123456789", count: 100)
        let bytes = diff(insert, "$.long", .string(long))
        #expect(bytes.contains(0xFC))
        let result = try apply(bytes, to: .object([]))
        #expect(result == .object([.init("long", .string(long))]))
    }

    @Test func rootReplaceIsAccepted() throws {
        #expect(try apply(diff(replace, "$", .int64(7)), to: sample) == .int64(7))
    }

    @Test func operationsThatDoNotFitTheDocumentThrow() {
        expectRejected(diff(replace, "$.missing", .int64(1)), to: sample)
        expectRejected(diff(replace, "$.b[3]", .int64(1)), to: sample)
        expectRejected(diff(replace, "$.b[last-3]", .int64(1)), to: sample)
        expectRejected(diff(insert, "$.a", .int64(1)), to: sample)
        expectRejected(diff(insert, "$.missing.x", .int64(1)), to: sample)
        expectRejected(diff(insert, "$.b[9][0]", .int64(1)), to: sample)
        expectRejected(diff(remove, "$.missing"), to: sample)
        expectRejected(diff(remove, "$.b[3]"), to: sample)
        expectRejected(diff(remove, "$.b[last-5]"), to: sample)
        expectRejected(diff(replace, "$.a.x", .int64(1)), to: sample)
        expectRejected(diff(replace, "$.a[0]", .int64(1)), to: sample)
        expectRejected(diff(replace, "$[0]", .int64(1)), to: sample)
        expectRejected(diff(replace, "$.b.x", .int64(1)), to: sample)
        expectRejected(diff(insert, "$", .int64(1)), to: sample)
        expectRejected(diff(remove, "$"), to: sample)
        expectRejected(diff(insert, "$.x", .int64(1)), to: .string("scalar"))
    }

    @Test func wildcardsAndRangesAreRejected() {
        for path in ["$.*", "$[*]", "$**.a", "$.b[0 to 1]", "$.b[*].c", "$.\"a\".*"] {
            expectRejected(diff(replace, path, .int64(1)), to: sample)
        }
    }

    @Test func malformedPathsThrow() {
        for path in ["", "a", "$.", "$a", "$[", "$[x]", "$[1", "$.\"open", "$.\"bad \\q escape\"", "$.\"\\ud800\"",
                     "$.\"\\u12\"", "$[last-]", "$]"] {
            expectRejected(diff(replace, path, .int64(1)), to: sample)
        }
    }

    @Test func malformedDiffBytesThrow() {
        let good = diff(replace, "$.a", .int64(5))
        // Every truncation of a diff fails.
        for length in 1..<good.count {
            expectRejected(Array(good[0..<length]), to: sample)
        }
        // Unknown operation.
        expectRejected([3] + Array(good.dropFirst()), to: sample)
        // Empty value.
        expectRejected([replace, 0x03] + Array("$.a".utf8) + [0x00], to: sample)
        // Corrupt value.
        expectRejected([replace, 0x03] + Array("$.a".utf8) + [0x02, 0x0C, 0x05], to: sample)
        // Path length longer than what is left.
        expectRejected([remove, 0xFC, 0xFF, 0x00] + Array("$.a".utf8), to: sample)
        // Invalid length prefix.
        expectRejected([remove, 0xFF], to: sample)
    }

    @Test func diffsParseWithoutADocument() throws {
        let bytes = diff(replace, "$.age", .int64(26)) + diff(remove, "$.\"a b\"[last]")
            + diff(insert, "$.list[3]", .array([.string("x")]))
        let diffs = try JSONPartialUpdate.parse(diffs: bytes[...])
        #expect(diffs.map(\.operation) == [.replace, .remove, .insert])
        #expect(diffs.map(\.path) == ["$.age", "$.\"a b\"[last]", "$.list[3]"])
        #expect(diffs.map(\.value) == [.int64(26), nil, .array([.string("x")])])
        let document = JSONValue.object([.init("age", .int64(1)), .init("a b", .array([.int64(1), .int64(2)])),
                                         .init("list", .array([]))])
        #expect(try JSONPartialUpdate.apply(diffs, to: document).jsonText()
            == "{\"age\": 26, \"a b\": [1], \"list\": [[\"x\"]]}")
        #expect(throws: BinlogDecodingError.self) { _ = try JSONPartialUpdate.parse(diffs: diff(replace, "$[*]", .null)[...]) }
    }

    @Test func pathParsing() throws {
        func legs(_ text: String) throws -> [JSONPath.Leg] {
            try JSONPath.parse(Array(text.utf8)[...]).legs
        }
        #expect(try legs("$") == [])
        #expect(try legs("$.a[2].\"b c\"") == [.member("a"), .index(2, fromEnd: false), .member("b c")])
        #expect(try legs("$[last]") == [.index(0, fromEnd: true)])
        #expect(try legs("$[last-3]") == [.index(3, fromEnd: true)])
        #expect(try legs(" $ . a [ 3 ] [ last - 1 ] ") == [.member("a"), .index(3, fromEnd: false), .index(1, fromEnd: true)])
        #expect(try legs("$.\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\"") == [.member("\"\\/\u{08}\u{0C}\n\r\tA")])
        #expect(try legs("$[99999999999999999999999]") == [.index(Int.max, fromEnd: false)])
        #expect(try JSONPath.parse(Array("$.a[2].\"b c\"[last-1]".utf8)[...]).description == "$.\"a\"[2].\"b c\"[last-1]")
    }
}
