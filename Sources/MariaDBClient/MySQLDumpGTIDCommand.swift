import BinlogDecoding

/// MySQL's COM_BINLOG_DUMP_GTID arguments: the GTID set a replica has, in the binary form MySQL writes in its
/// Previous_gtids events (`MySQLGTIDSet.encoded`).
enum MySQLDumpGTIDCommand {
    /// The command's arguments, little-endian: flags (2 bytes: BINLOG_THROUGH_GTID 0x04, and DUMP_NON_BLOCK 0x01 to
    /// end at the binlog's end), our server id (4), the file name's length (4: none), position 4 (8), then the
    /// set's length (4) and bytes.
    static func arguments(gtidSet: MySQLGTIDSet, serverID: UInt32, nonBlocking: Bool) -> [UInt8] {
        let data = gtidSet.encoded
        var out: [UInt8] = []
        out += withUnsafeBytes(of: (UInt16(nonBlocking ? 0x01 : 0) | 0x04).littleEndian, Array.init)
        out += withUnsafeBytes(of: serverID.littleEndian, Array.init)
        out += withUnsafeBytes(of: UInt32(0).littleEndian, Array.init)
        out += withUnsafeBytes(of: UInt64(4).littleEndian, Array.init)
        out += withUnsafeBytes(of: UInt32(data.count).littleEndian, Array.init)
        return out + data
    }
}
