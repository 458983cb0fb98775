@testable import BinlogDecoding
import Testing

struct ByteReaderTests {
    @Test func readsLittleAndBigEndian() throws {
        var reader = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06])
        #expect(try reader.uintLE(2) == 0x0201)
        #expect(try reader.uintBE(2) == 0x0304)
        #expect(reader.remaining == 2)
    }

    @Test func lengthEncodedIntegers() throws {
        var reader = ByteReader([0xFA, 0xFC, 0x34, 0x12, 0xFD, 0x01, 0x02, 0x03, 0xFE, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try reader.lengthEncodedInteger() == 250)
        #expect(try reader.lengthEncodedInteger() == 0x1234)
        #expect(try reader.lengthEncodedInteger() == 0x030201)
        #expect(try reader.lengthEncodedInteger() == 1)
    }

    @Test func overrunThrowsInsteadOfTrapping() {
        var reader = ByteReader([0x01])
        #expect(throws: BinlogDecodingError.truncated(what: "uint32", needed: 4, available: 1)) { try reader.uint32() }
        var invalid = ByteReader([0xFF])
        #expect(throws: BinlogDecodingError.self) { try invalid.lengthEncodedInteger() }
    }

    @Test func countLargerThanInputIsRejected() {
        // 0xFE + 8 bytes claims 2^56 items: must fail before anything is allocated.
        var reader = ByteReader([0xFE, 0, 0, 0, 0, 0, 0, 0, 1, 0x00])
        #expect(throws: BinlogDecodingError.self) { try reader.lengthEncodedCount("count") }
    }

    @Test func subReaderIsBounded() throws {
        var reader = ByteReader([1, 2, 3, 4])
        var sub = try reader.subReader(2, "part")
        #expect(try sub.uint16() == 0x0201)
        #expect(throws: BinlogDecodingError.self) { try sub.uint8() }
        #expect(try reader.uint8() == 3)
    }
}
