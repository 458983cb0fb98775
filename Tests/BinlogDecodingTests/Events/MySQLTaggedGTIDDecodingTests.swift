@testable import BinlogDecoding
import Testing

/// MySQL 8.3+'s tagged GTID event, on the one MySQL-written file that has one (MySQL 9.6, blackbeam/rust_mysql_common's
/// fixture): its fields decoded by hand from the serialization format match what the decoder reads.
struct MySQLTaggedGTIDDecodingTests {
    /// The event's body at offset 245 of binlog_transaction_with_GTID_TAG.000001 (without header and checksum).
    private let body: [UInt8] = [
        0x02, 0x78, 0x00, 0x00, 0x00, 0x02, 0xaa, 0xee, 0x25, 0x02, 0x08, 0x04, 0x65, 0x02, 0x22, 0xc5, 0x03, 0xc5, 0x02,
        0xe1, 0x02, 0x9c, 0xc1, 0x03, 0x11, 0x03, 0x55, 0x02, 0xde, 0xad, 0x03, 0x04, 0x0c, 0x06, 0x0a, 0x6d, 0x79, 0x74,
        0x61, 0x67, 0x08, 0x00, 0x0a, 0x04, 0x0c, 0x7f, 0x1c, 0xf3, 0xb8, 0x14, 0x24, 0x4a, 0x06, 0x10, 0xa1, 0x04, 0x12,
        0x43, 0x0f, 0x0b,
    ]

    @Test func theFieldsReplicationNeedsAreRead() throws {
        var reader = ByteReader(body)
        let event = try MySQLTaggedGTIDDecoding.event(&reader)
        #expect(event.gtidText == "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3")
        #expect(event.immediateCommitMicroseconds == 1_770_368_687_207_196)
        #expect(reader.isAtEnd)
    }

    @Test func aMessageThatNeedsNewerFieldsIsRefused() {
        var newer = body
        newer[2] = 0x20  // last non-ignorable field 16
        var reader = ByteReader(newer)
        #expect(throws: BinlogDecodingError.self) { try MySQLTaggedGTIDDecoding.event(&reader) }
        var short = ByteReader(Array(body.prefix(20)))
        #expect(throws: BinlogDecodingError.self) { try MySQLTaggedGTIDDecoding.event(&short) }
    }

    @Test(.enabled(if: Fixtures.isAvailable, Fixtures.missingComment))
    func theFixturesTaggedTransactionContinuesItsPreviousGTIDs() throws {
        let path = try #require(Fixtures.binlogFiles().first { $0.hasSuffix("binlog_transaction_with_GTID_TAG.000001") })
        var decoder = BinlogEventDecoder()
        var previous: MySQLGTIDSet?
        var gtids: [String] = []
        for bytes in Fixtures.events(path) {
            let event = try decoder.decode(bytes)
            if case let .mysqlPreviousGTIDs(set) = event.body { previous = set }
            if case let .mysqlGTID(gtid) = event.body { gtids.append(gtid.gtidText ?? "") }
        }
        #expect(previous?.description == "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13,55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:1-2")
        #expect(gtids == ["55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3"])
    }
}
