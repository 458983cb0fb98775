/// Applies MySQL 8's partial JSON updates: the diffs a PARTIAL_UPDATE_ROWS_EVENT carries
/// (binlog_row_value_options=PARTIAL_JSON) for a JSON column in place of its after value.
///
/// In the row image such a column is a 4-byte little-endian length followed by that many bytes of
/// diffs. The caller reads the length and passes only the diffs. Each diff is:
/// - one operation byte: 0 REPLACE, 1 INSERT, 2 REMOVE;
/// - the path: a length-encoded integer, then the path text (`$.a[2]."b c"`);
/// - unless REMOVE, the value: a length-encoded integer, then the value in MySQL's binary JSON format.
///
/// The diffs apply in order, with the server's rules: REPLACE needs an existing value at the path;
/// INSERT needs the parent to exist and adds a member that is not there yet (at its sorted place,
/// as MySQL stores keys: shorter first, then by bytes) or inserts into an array at the index
/// (appending when the index is past the end); REMOVE deletes an existing member or element.
/// A diff the document cannot take throws, as does any malformed byte. `parse(diffs:)` reads the
/// diffs without applying them.
public enum JSONPartialUpdate {
    public enum Operation: UInt8, Sendable {
        case replace = 0
        case insert = 1
        case remove = 2

        var name: String {
            switch self {
            case .replace: return "replace"
            case .insert: return "insert"
            case .remove: return "remove"
            }
        }
    }

    /// One diff: the operation, the path as the server wrote it (MySQL path syntax, usable as is in
    /// JSON_SET/JSON_REPLACE/JSON_REMOVE), and the value, which REMOVE has none of.
    public struct Diff: Equatable, Sendable {
        public var operation: Operation
        public var path: String
        public var value: JSONValue?
        let parsedPath: JSONPath
    }

    /// The diffs as a JSON document, for output: `{"json_diff": [{"op": "replace", "path": "$.a", "value": 1}]}`.
    public static func diffDocument(_ diffs: [Diff]) -> JSONValue {
        .object([JSONValue.Member("json_diff", .array(diffs.map { diff in
            var members = [JSONValue.Member("op", .string(diff.operation.name)), JSONValue.Member("path", .string(diff.path))]
            if let value = diff.value { members.append(JSONValue.Member("value", value)) }
            return .object(members)
        }))])
    }

    /// `document` with every diff in `diffs` applied.
    public static func apply(diffs: ArraySlice<UInt8>, to document: JSONValue) throws(BinlogDecodingError) -> JSONValue {
        try apply(try parse(diffs: diffs), to: document)
    }

    /// `document` with `diffs` applied in order.
    public static func apply(_ diffs: [Diff], to document: JSONValue) throws(BinlogDecodingError) -> JSONValue {
        var result = document
        for diff in diffs {
            try apply(diff.operation, path: diff.parsedPath, value: diff.value, to: &result)
        }
        return result
    }

    /// The diffs in `diffs`, checked (paths parsed, values decoded) but not applied: for when the
    /// document they apply to is not at hand, as with binlog_row_image=MINIMAL, whose before image
    /// leaves the JSON column out.
    public static func parse(diffs: ArraySlice<UInt8>) throws(BinlogDecodingError) -> [Diff] {
        var reader = ByteReader(Array(diffs))
        var parsed: [Diff] = []
        while !reader.isAtEnd {
            let code = try reader.uint8("JSON diff operation")
            guard let operation = Operation(rawValue: code) else {
                throw .malformed(what: "JSON diff operation", detail: "unknown operation \(code)")
            }
            let pathLength = try reader.lengthEncodedCount("JSON diff path length")
            let pathRange = try reader.range(pathLength, "JSON diff path")
            let path = try JSONPath.parse(reader.bytes[pathRange])
            var value: JSONValue?
            if operation != .remove {
                let valueLength = try reader.lengthEncodedCount("JSON diff value length")
                guard valueLength > 0 else {
                    throw .malformed(what: "JSON diff value", detail: "empty value for \(operation) at \(path)")
                }
                let valueRange = try reader.range(valueLength, "JSON diff value")
                value = try MySQLJSONBinary.decode(reader.bytes[valueRange])
            }
            parsed.append(Diff(operation: operation, path: String(decoding: reader.bytes[pathRange], as: UTF8.self),
                               value: value, parsedPath: path))
        }
        return parsed
    }

    /// Applies one diff to `document`.
    static func apply(_ operation: Operation, path: JSONPath, value: JSONValue?,
                      to document: inout JSONValue) throws(BinlogDecodingError) {
        guard !path.legs.isEmpty else {
            // The server never writes a diff for the root; a REPLACE there is still well defined.
            guard operation == .replace, let value else {
                throw rejected(operation, path, "cannot be applied to the document root")
            }
            document = value
            return
        }
        try apply(operation, path: path, legs: path.legs[...], value: value, to: &document)
    }

    private static func apply(_ operation: Operation, path: JSONPath, legs: ArraySlice<JSONPath.Leg>,
                              value: JSONValue?, to node: inout JSONValue) throws(BinlogDecodingError) {
        let leg = legs[legs.startIndex]
        let rest = legs.dropFirst()
        switch node {
        case var .object(members):
            guard case let .member(key) = leg else {
                throw rejected(operation, path, "an array index applied to an object")
            }
            let found = members.firstIndex { sameKey($0.key, key) }
            if !rest.isEmpty {
                guard let found else { throw rejected(operation, path, "no member \"\(key)\"") }
                node = .null  // release the old storage so the members array is mutated in place
                try apply(operation, path: path, legs: rest, value: value, to: &members[found].value)
                node = .object(members)
                return
            }
            switch operation {
            case .replace:
                guard let found, let value else { throw rejected(operation, path, "no member \"\(key)\"") }
                node = .null
                members[found].value = value
            case .insert:
                guard found == nil, let value else { throw rejected(operation, path, "member \"\(key)\" already exists") }
                node = .null
                let position = members.firstIndex { keyOrderedBefore(key, $0.key) } ?? members.endIndex
                members.insert(JSONValue.Member(key, value), at: position)
            case .remove:
                guard let found else { throw rejected(operation, path, "no member \"\(key)\"") }
                node = .null
                members.remove(at: found)
            }
            node = .object(members)

        case var .array(elements):
            guard case let .index(index, fromEnd) = leg else {
                throw rejected(operation, path, "a member name applied to an array")
            }
            let count = elements.count
            let withinBounds = index < count
            // Out of range resolves to 0 (before the start) or `count` (past the end), as the server does.
            let position = fromEnd ? (withinBounds ? count - 1 - index : 0) : min(index, count)
            if !rest.isEmpty {
                guard withinBounds else { throw rejected(operation, path, "index out of range") }
                node = .null
                try apply(operation, path: path, legs: rest, value: value, to: &elements[position])
                node = .array(elements)
                return
            }
            switch operation {
            case .replace:
                guard withinBounds, let value else { throw rejected(operation, path, "index out of range") }
                node = .null
                elements[position] = value
            case .insert:
                guard let value else { throw rejected(operation, path, "no value") }
                node = .null
                elements.insert(value, at: position)
            case .remove:
                guard withinBounds else { throw rejected(operation, path, "index out of range") }
                node = .null
                elements.remove(at: position)
            }
            node = .array(elements)

        default:
            throw rejected(operation, path, "the path runs into a scalar")
        }
    }

    /// Keys compare by their bytes, as MySQL compares them (not by Unicode equivalence).
    private static func sameKey(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// MySQL's key order: shorter keys first, then bytewise.
    private static func keyOrderedBefore(_ a: String, _ b: String) -> Bool {
        let (lengthA, lengthB) = (a.utf8.count, b.utf8.count)
        if lengthA != lengthB { return lengthA < lengthB }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func rejected(_ operation: Operation, _ path: JSONPath, _ reason: String) -> BinlogDecodingError {
        .malformed(what: "partial JSON update", detail: "\(operation) at \(path): \(reason)")
    }
}

/// A JSON path as partial JSON updates carry it: `$` followed by member legs (`.name` or
/// `."quoted name"`) and array legs (`[3]`, `[last]`, `[last-2]`). Wildcards (`.*`, `[*]`, `**`)
/// and ranges (`[1 to 3]`) are rejected: the server never writes them in a diff.
struct JSONPath: Equatable, Sendable, CustomStringConvertible {
    enum Leg: Equatable, Sendable {
        case member(String)
        /// An array position; `fromEnd` for `last-N` forms, where `index` is N.
        case index(Int, fromEnd: Bool)
    }

    var legs: [Leg]

    var description: String {
        var text = "$"
        for leg in legs {
            switch leg {
            case let .member(name):
                var quoted: [UInt8] = []
                JSONText.appendQuoted(name.utf8, to: &quoted)
                text += "." + String(decoding: quoted, as: UTF8.self)
            case let .index(index, fromEnd):
                text += fromEnd ? (index == 0 ? "[last]" : "[last-\(index)]") : "[\(index)]"
            }
        }
        return text
    }

    static func parse(_ text: ArraySlice<UInt8>) throws(BinlogDecodingError) -> JSONPath {
        var parser = JSONPathParser(text: text, position: text.startIndex)
        return try parser.parse()
    }
}

private struct JSONPathParser {
    let text: ArraySlice<UInt8>
    var position: Int

    private var current: UInt8? { position < text.endIndex ? text[position] : nil }

    private func error(_ detail: String) -> BinlogDecodingError {
        .malformed(what: "JSON diff path", detail: "\(detail) in \"\(String(decoding: text, as: UTF8.self))\"")
    }

    private mutating func skipSpaces() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            position += 1
        }
    }

    mutating func parse() throws(BinlogDecodingError) -> JSONPath {
        skipSpaces()
        guard current == UInt8(ascii: "$") else { throw error("missing leading $") }
        position += 1
        var legs: [JSONPath.Leg] = []
        while true {
            skipSpaces()
            guard let byte = current else { break }
            switch byte {
            case UInt8(ascii: "."):
                position += 1
                skipSpaces()
                legs.append(.member(try memberName()))
            case UInt8(ascii: "["):
                position += 1
                legs.append(try arrayIndex())
            case UInt8(ascii: "*"):
                throw error("wildcard ** not allowed")
            default:
                throw error("unexpected character at offset \(position - text.startIndex)")
            }
        }
        return JSONPath(legs: legs)
    }

    private mutating func memberName() throws(BinlogDecodingError) -> String {
        guard let first = current else { throw error("missing member name") }
        if first == UInt8(ascii: "\"") {
            position += 1
            return try quotedName()
        }
        if first == UInt8(ascii: "*") { throw error("wildcard .* not allowed") }
        let start = position
        while let byte = current, byte != UInt8(ascii: "."), byte != UInt8(ascii: "["), byte != UInt8(ascii: "*"),
              byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D, byte != UInt8(ascii: "\"") {
            position += 1
        }
        guard position > start else { throw error("missing member name") }
        return String(decoding: text[start..<position], as: UTF8.self)
    }

    /// A member name in JSON string syntax, after its opening quote.
    private mutating func quotedName() throws(BinlogDecodingError) -> String {
        var name: [UInt8] = []
        while true {
            guard let byte = current else { throw error("unterminated quoted member name") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: name, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = current else { throw error("unterminated escape") }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): name.append(escaped)
                case UInt8(ascii: "b"): name.append(0x08)
                case UInt8(ascii: "f"): name.append(0x0C)
                case UInt8(ascii: "n"): name.append(0x0A)
                case UInt8(ascii: "r"): name.append(0x0D)
                case UInt8(ascii: "t"): name.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hexQuad()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard current == UInt8(ascii: "\\"), position + 1 < text.endIndex,
                              text[position + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate escape")
                        }
                        position += 2
                        let low = try hexQuad()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired surrogate escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    name.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw error("invalid escape \\\(Character(Unicode.Scalar(escaped)))")
                }
            default:
                name.append(byte)
            }
        }
    }

    private mutating func hexQuad() throws(BinlogDecodingError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw error("truncated \\u escape") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// `[N]`, `[last]` or `[last-N]`, after the opening bracket.
    private mutating func arrayIndex() throws(BinlogDecodingError) -> JSONPath.Leg {
        skipSpaces()
        if current == UInt8(ascii: "*") { throw error("wildcard [*] not allowed") }
        var fromEnd = false
        var index = 0
        if hasPrefix("last") {
            position += 4
            fromEnd = true
            skipSpaces()
            if current == UInt8(ascii: "-") {
                position += 1
                skipSpaces()
                index = try number()
            }
        } else {
            index = try number()
        }
        skipSpaces()
        if hasPrefix("to") { throw error("array range not allowed") }
        guard current == UInt8(ascii: "]") else { throw error("expected ]") }
        position += 1
        return .index(index, fromEnd: fromEnd)
    }

    /// Decimal digits; values too large for an Int saturate (they are out of range for any array).
    private mutating func number() throws(BinlogDecodingError) -> Int {
        let start = position
        var value = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int.max : sum
            position += 1
        }
        guard position > start else { throw error("expected an array index") }
        return value
    }

    private func hasPrefix(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard text.endIndex - position >= count else { return false }
        return word.withUTF8Buffer { buffer in
            buffer.elementsEqual(text[position..<(position + count)])
        }
    }
}
