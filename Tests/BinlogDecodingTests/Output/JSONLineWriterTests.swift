@testable import BinlogDecoding
import Testing

struct JSONLineWriterTests {
    private func message(_ operation: RowChangeMessage.Operation, before: [ColumnValue?]?, after: [ColumnValue?]?) -> RowChangeMessage {
        RowChangeMessage(database: "product", table: "items", operation: operation, columnNames: ["id", "name", "price", "blob", "when"],
                         before: before.map(RowImage.init), after: after.map(RowImage.init),
                         file: "bin.000001", startOffset: 100, endOffset: 200, gtid: "0-1-7", transactionStart: nil, timestamp: 5)
    }

    @Test func insertLineHasTypedValues() {
        let line = JSONLineWriter.line(for: message(.insert, before: nil, after: [
            .unsigned(18_446_744_073_709_551_615), .text("a \"quoted\" é😀\n"), .decimal("-12.50"), .bytes([0, 255]), .null,
        ]))
        #expect(line == #"{"file":"bin.000001","pos":100,"end_pos":200,"gtid":"0-1-7","ts":5,"db":"product","table":"items","op":"insert","after":{"id":18446744073709551615,"name":"a \"quoted\" é😀\n","price":"-12.50","blob":"AP8=","when":null}}"#)
    }

    @Test func absentColumnsAreLeftOutNotNull() {
        let line = JSONLineWriter.line(for: message(.update, before: [.signed(1), nil, nil, nil, nil], after: [nil, .text("x"), nil, nil, nil]))
        #expect(line.hasSuffix(#""op":"update","before":{"id":1},"after":{"name":"x"}}"#))
    }

    @Test func ddlLine() {
        let line = JSONLineWriter.line(for: DDLMessage(database: "product", statement: "ALTER TABLE items ADD c INT", file: "f", startOffset: 4,
                                                      endOffset: 90, gtid: nil, timestamp: 1))
        #expect(line == #"{"file":"f","pos":4,"end_pos":90,"gtid":null,"ts":1,"op":"ddl","db":"product","sql":"ALTER TABLE items ADD c INT"}"#)
    }

    @Test func escapesAnywhereInLongStrings() {
        // The writer skips eight clean bytes at a time: put escapes at every offset within and across words.
        for position in 0..<20 {
            for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}"] {
                var text = String(repeating: "abcdéfgh", count: 3)
                let index = text.index(text.startIndex, offsetBy: min(position, text.count))
                text.insert(contentsOf: special, at: index)
                let out = ByteSink()
                JSONLineWriter.appendString(text, to: out)
                var expected = "\""
                for scalar in text.unicodeScalars {
                    switch scalar {
                    case "\"": expected += "\\\""
                    case "\\": expected += "\\\\"
                    case "\n": expected += "\\n"
                    case "\u{01}": expected += "\\u0001"
                    case "\u{1F}": expected += "\\u001f"
                    default: expected.unicodeScalars.append(scalar)
                    }
                }
                expected += "\""
                #expect(String(decoding: out.bytes, as: UTF8.self) == expected)
            }
        }
    }

    @Test func base64MatchesKnownVectors() {
        #expect(Base64.encode(Array("".utf8)) == "")
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
    }

    @Test func bitValuesAreTheirBytes() {
        #expect(ColumnValue.bit(0x1FFF, width: 13).binaryBytes == [0x1F, 0xFF])
        #expect(ColumnValue.bit(1, width: 1).binaryBytes == [1])
    }
}

/// Character values in other sets: text where converted, else the bytes said so with their set.
struct JSONLineWriterCharsetTests {
    private func json(_ value: ColumnValue) -> String {
        let out = ByteSink()
        JSONLineWriter.appendValue(value, to: out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func convertedOrBase64WithTheSet() {
        #expect(json(.encoded([0x00, 0x41, 0x00, 0x22], charset: Charset.named("ucs2")!)) == #""A\"""#)
        #expect(json(.encoded([0xB4, 0xC1], charset: Charset.named("ujis")!)) == #"{"base64":"tME=","charset":"ujis"}"#)
        #expect(json(.encoded([0x5C], charset: Charset.named("sjis")!)) == #"{"base64":"XA==","charset":"sjis"}"#)
        #expect(json(.encoded([0xFF], charset: .utf8mb4)) == #"{"base64":"/w==","charset":"utf8mb4"}"#)
        #expect(json(.encoded([0xC3, 0xA9], charset: nil)) == #"{"base64":"w6k=","charset":null}"#)
    }
}
