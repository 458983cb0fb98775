@testable import BinlogDecoding
import Testing

/// GTID set arithmetic on values from MySQL's reference manual (GTID_SUBSET, GTID_SUBTRACT, GTID_UNION examples;
/// tagged GTIDs of 8.3+) and on the sets in the MySQL-written fixture binlogs.
struct MySQLGTIDSetArithmeticTests {
    private func set(_ text: String) throws -> MySQLGTIDSet {
        try #require(MySQLGTIDSet(text: text), "\(text)")
    }

    private let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562"

    @Test func theTextFormParsesNormalizedAndPrintsAsMySQLDoes() throws {
        #expect(try set("3E11FA47-71CA-11E1-9E33-C80AA9429562:23:1-5:7-9:6").description == "\(uuid):1-9:23")
        #expect(try set("").isEmpty)
        #expect(try set(" \(uuid):1-3,\n\(uuid):4 ").description == "\(uuid):1-4")
        for bad in ["\(uuid)", "\(uuid):0", "\(uuid):5-3", "\(uuid):1-", "xyz:1", "\(uuid):1:9tag:2", "\(uuid)::1"] {
            #expect(MySQLGTIDSet(text: bad) == nil, "\(bad)")
        }
    }

    @Test func subtractionAsGTIDSubtract() throws {
        // GTID_SUBTRACT('…:21-57', '…:21') = '…:22-57'; GTID_SUBTRACT('…:21-57', '…:20-25') = '…:26-57';
        // GTID_SUBTRACT('…:21-57', '…:23-24') = '…:21-22:25-57'.
        let whole = try set("\(uuid):21-57")
        #expect(whole.subtracting(try set("\(uuid):21")).description == "\(uuid):22-57")
        #expect(whole.subtracting(try set("\(uuid):20-25")).description == "\(uuid):26-57")
        #expect(whole.subtracting(try set("\(uuid):23-24")).description == "\(uuid):21-22:25-57")
        #expect(whole.subtracting(whole).isEmpty)
    }

    @Test func containmentAsGTIDSubset() throws {
        // GTID_SUBSET('…:23', '…:21-57') = 1; GTID_SUBSET('…:20-25', '…:21-57') = 0.
        let whole = try set("\(uuid):21-57")
        #expect(whole.contains(try set("\(uuid):23")))
        #expect(!whole.contains(try set("\(uuid):20-25")))
        #expect(whole.contains(.empty))
        #expect(!whole.contains(try set("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:23")))
    }

    @Test func unionMergesAdjacentAndOverlappingIntervalsPerServer() throws {
        let other = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
        let union = try set("\(uuid):1-3:7,\(other):5").union(try set("\(uuid):4-6,\(other):1-2"))
        #expect(union.description == "\(uuid):1-7,\(other):1-2:5")
        var grown = MySQLGTIDSet.empty
        let bytes = try #require(try set("\(uuid):1").entries.first?.uuid)
        for number in [3, 1, 2, 5] { grown = grown.inserting(uuid: bytes, number: Int64(number)) }
        #expect(grown.description == "\(uuid):1-3:5")
    }

    @Test func taggedTransactionsAreTheirOwnMembers() throws {
        // 8.3+: `uuid:tag:n`; intervals after a tag belong to it; tags are case-insensitive, printed in lower case.
        let tagged = try set("\(uuid):1-3:Nightly:5-6:other:1")
        #expect(tagged.description == "\(uuid):1-3,\(uuid):nightly:5-6,\(uuid):other:1")
        #expect(!tagged.contains(try set("\(uuid):5")))
        #expect(tagged.contains(try set("\(uuid):nightly:6")))
        #expect(tagged.subtracting(try set("\(uuid):nightly:5-6")).description == "\(uuid):1-3,\(uuid):other:1")
    }

    @Test(.enabled(if: Fixtures.isAvailable, Fixtures.missingComment))
    func theFixturesPreviousGTIDsAndTheirTransactionsAddUp() throws {
        var files = 0
        for path in Fixtures.binlogFiles() {
            var decoder = BinlogEventDecoder()
            var previous: MySQLGTIDSet?
            var executed = MySQLGTIDSet.empty
            for bytes in Fixtures.events(path) {
                guard let event = try? decoder.decode(bytes) else { break }
                switch event.body {
                case let .mysqlPreviousGTIDs(set):
                    // The decoded set, printed and parsed again, is the same set.
                    #expect(MySQLGTIDSet(text: set.description) == set.normalized, "\(path)")
                    previous = set.normalized
                    executed = set.normalized
                case let .mysqlGTID(gtid) where !gtid.isAnonymous:
                    let one = MySQLGTIDSet.empty.inserting(uuid: gtid.serverUUID, tag: gtid.tag, number: gtid.transactionNumber)
                    // A file's transactions are not among those before it, and each is new.
                    if let previous { #expect(!previous.contains(one), "\(path): \(one) already in the previous GTIDs") }
                    #expect(!executed.contains(one), "\(path): \(one) twice")
                    executed = executed.union(one)
                default:
                    continue
                }
            }
            if let previous, executed != previous {
                files += 1
                #expect(executed.contains(previous) && executed.subtracting(previous).union(previous) == executed)
            }
        }
        #expect(files > 0, "no MySQL-written fixture with GTIDs")
    }
}

/// The binary form of GTID sets: byte by byte against MySQL's layout, and against every Previous_gtids event of the
/// MySQL-written fixtures (decoded, encoded again: the same bytes), tagged and untagged.
struct MySQLGTIDSetEncodingTests {
    @Test func untaggedSetsAsMySQLWritesThem() throws {
        let set = try #require(MySQLGTIDSet(text: "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7"))
        let bytes = set.encoded
        #expect(bytes.count == 8 + 16 + 8 + 2 * 16)
        #expect(bytes.prefix(8) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[8..<24]) == [0x3E, 0x11, 0xFA, 0x47, 0x71, 0xCA, 0x11, 0xE1, 0x9E, 0x33, 0xC8, 0x0A, 0xA9, 0x42, 0x95, 0x62])
        #expect(bytes[24] == 2)
        #expect(bytes[32] == 1 && bytes[40] == 6)  // [1, 6)
        #expect(bytes[48] == 7 && bytes[56] == 8)  // [7, 8)
        #expect(MySQLGTIDSet.empty.encoded == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func taggedSetsMarkTheirFormatAndCarryEachTag() throws {
        let set = try #require(MySQLGTIDSet(text: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-2:nightly:4"))
        let bytes = set.encoded
        // Two members (untagged, then `nightly`): format 1 in the count's first and last byte, 2 in between.
        #expect(bytes.prefix(8) == [1, 2, 0, 0, 0, 0, 0, 1])
        #expect(bytes[24] == 0)  // the empty tag: length 0
        #expect(bytes[25] == 1 && bytes[33] == 1 && bytes[41] == 3)
        let second = 25 + 8 + 16
        #expect(Array(bytes[second + 16..<second + 24]) == [7 << 1] + Array("nightly".utf8))
        var reader = ByteReader(bytes)
        #expect(try ControlEventDecoding.mysqlPreviousGTIDs(&reader).normalized == set)
    }

    @Test(arguments: [UInt64(0), 1, 127, 128, 16_383, 16_384, 1 << 40, UInt64.max])
    func variableLengthIntegersReadBack(value: UInt64) throws {
        var reader = ByteReader(MySQLGTIDSet.variableLengthInteger(value))
        #expect(try ControlEventDecoding.variableLengthInteger(&reader) == value)
        #expect(reader.isAtEnd)
    }

    @Test(.enabled(if: Fixtures.isAvailable, Fixtures.missingComment))
    func everyFixturePreviousGTIDsEventEncodesToItsOwnBytes() throws {
        var checked = 0
        for path in Fixtures.binlogFiles() {
            var decoder = BinlogEventDecoder()
            for bytes in Fixtures.events(path) {
                guard let event = try? decoder.decode(bytes) else { break }
                guard case let .mysqlPreviousGTIDs(set) = event.body, set == set.normalized else { continue }
                let body = Array(bytes[19..<(bytes.count - (decoder.format.checksumAlgorithm == .crc32 ? 4 : 0))])
                #expect(set.encoded == body, "\(path): \(set)")
                checked += 1
            }
        }
        #expect(checked > 0, "no MySQL-written fixture with a Previous_gtids event")
    }
}
