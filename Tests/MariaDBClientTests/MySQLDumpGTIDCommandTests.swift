import BinlogDecoding
@testable import MariaDBClient
import Testing

/// COM_BINLOG_DUMP_GTID arguments, checked byte by byte against the layout in MySQL's documentation of the command
/// (no MySQL server runs here).
struct MySQLDumpGTIDCommandTests {
    @Test func argumentsCarryFlagsServerIDPositionAndTheSet() throws {
        let set = try #require(MySQLGTIDSet(text: "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7"))
        let bytes = MySQLDumpGTIDCommand.arguments(gtidSet: set, serverID: 0x01020304, nonBlocking: true)
        #expect(Array(bytes[0..<2]) == [0x05, 0x00])  // DUMP_NON_BLOCK | THROUGH_GTID
        #expect(Array(bytes[2..<6]) == [4, 3, 2, 1])
        #expect(Array(bytes[6..<10]) == [0, 0, 0, 0])  // no file name
        #expect(Array(bytes[10..<18]) == [4, 0, 0, 0, 0, 0, 0, 0])
        let data = set.encoded
        #expect(Array(bytes[18..<22]) == [UInt8(data.count), 0, 0, 0])
        #expect(Array(bytes[22...]) == data)
        #expect(MySQLDumpGTIDCommand.arguments(gtidSet: set, serverID: 1, nonBlocking: false)[0] == 0x04)
    }
}
