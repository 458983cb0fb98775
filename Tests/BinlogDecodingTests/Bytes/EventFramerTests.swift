@testable import BinlogDecoding
import Testing

struct EventFramerTests {
    static func event(length: Int, type: UInt8 = 4) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        bytes[4] = type
        for index in 0..<4 { bytes[9 + index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
        return bytes
    }

    @Test func splitsEventsFedInSmallPieces() throws {
        let stream = EventFramer.magic + Self.event(length: 30) + Self.event(length: 19) + Self.event(length: 100)
        var framer = EventFramer()
        var lengths: [Int] = []
        var offsets: [UInt64] = []
        for byte in stream {
            framer.append([byte])
            let offset = framer.fileOffset
            while let event = try framer.next() {
                lengths.append(event.count)
                offsets.append(offset)
            }
        }
        #expect(lengths == [30, 19, 100])
        #expect(offsets == [4, 34, 53])
        #expect(framer.pendingByteCount == 0)
    }

    @Test func rejectsFilesWithoutMagic() {
        var framer = EventFramer()
        framer.append([0x00, 0x01, 0x02, 0x03])
        #expect(throws: BinlogDecodingError.notABinlogFile) { try framer.next() }
    }

    @Test func rejectsImpossibleEventLengths() {
        var framer = EventFramer()
        framer.append(EventFramer.magic + Self.event(length: 19).prefix(9) + [5, 0, 0, 0] + [UInt8](repeating: 0, count: 6))
        #expect(throws: BinlogDecodingError.self) { try framer.next() }
    }

    @Test func keepsAPartialEventPending() throws {
        var framer = EventFramer()
        framer.append(EventFramer.magic + Self.event(length: 40).prefix(25))
        #expect(try framer.next() == nil)
        #expect(framer.pendingByteCount == 25)
    }
}
