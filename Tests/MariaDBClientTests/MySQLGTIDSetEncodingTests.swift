@testable import MariaDBClient
import Testing

/// COM_BINLOG_DUMP_GTID arguments: no MySQL server runs in the tests, so the bytes are checked by hand.
struct MySQLGTIDSetEncodingTests {
    @Test func encodesIntervalsAsHalfOpenRanges() throws {
        let bytes = try MySQLGTIDSetEncoding.encode("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7")
        #expect(bytes.count == 8 + 16 + 8 + 2 * 16)
        #expect(bytes.prefix(8) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[8..<24]) == [0x3E, 0x11, 0xFA, 0x47, 0x71, 0xCA, 0x11, 0xE1, 0x9E, 0x33, 0xC8, 0x0A, 0xA9, 0x42, 0x95, 0x62])
        #expect(bytes[24] == 2)
        #expect(bytes[32] == 1 && bytes[40] == 6)  // [1, 6)
        #expect(bytes[48] == 7 && bytes[56] == 8)  // [7, 8)
    }

    @Test func dumpCommandCarriesServerIDAndFlags() throws {
        let command = try MySQLGTIDSetEncoding.dumpCommand(gtidSet: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1", serverID: 0x01020304,
                                                            nonBlocking: true)
        #expect(command[0] == 0x05 && command[1] == 0)  // non-blocking | through GTID
        #expect(Array(command[2..<6]) == [4, 3, 2, 1])
    }

    @Test(arguments: ["not-a-uuid:1", "3e11fa47-71ca-11e1-9e33-c80aa9429562", "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-2",
                       "3e11fa47-71ca-11e1-9e33-c80aa9429562:-", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-2-3"])
    func rejectsMalformedSets(text: String) {
        #expect(throws: MariaDBError.self) { try MySQLGTIDSetEncoding.encode(text) }
    }
}
