/// Builds MySQL's COM_BINLOG_DUMP_GTID arguments from a GTID set in text form.
enum MySQLGTIDSetEncoding {
    static func dumpCommand(gtidSet: String, serverID: UInt32, nonBlocking: Bool) throws(MariaDBError) -> [UInt8] {
        let data = try encode(gtidSet)
        var out: [UInt8] = []
        append(&out, UInt64(nonBlocking ? 1 : 0) | 0x04, width: 2)  // BINLOG_THROUGH_GTID
        append(&out, UInt64(serverID), width: 4)
        append(&out, 0, width: 4)  // no file name
        append(&out, 4, width: 8)  // position
        append(&out, UInt64(data.count), width: 4)
        out += data
        return out
    }

    /// `uuid:1-5:7,uuid2:3` → the binary SID block: count, then per uuid its bytes and [start, end) intervals.
    static func encode(_ text: String) throws(MariaDBError) -> [UInt8] {
        let members = text.split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
        var out: [UInt8] = []
        append(&out, UInt64(members.count), width: 8)
        for member in members {
            let parts = member.split(separator: ":")
            guard let uuidText = parts.first, let uuid = uuidBytes(String(uuidText)), parts.count >= 2 else {
                throw invalid(member)
            }
            out += uuid
            append(&out, UInt64(parts.count - 1), width: 8)
            for range in parts.dropFirst() {
                let bounds = range.split(separator: "-")
                guard let first = bounds.first, bounds.count <= 2, let start = UInt64(first),
                      let last = UInt64(bounds.last ?? first), start <= last, last < UInt64.max else { throw invalid(member) }
                append(&out, start, width: 8)
                append(&out, last + 1, width: 8)
            }
        }
        return out
    }

    private static func invalid(_ member: String) -> MariaDBError {
        MariaDBError(code: 0, sqlState: "", message: "not a MySQL GTID set member: \(member)", context: "parsing the start GTID set")
    }

    private static func uuidBytes(_ text: String) -> [UInt8]? {
        let hex = Array(text.filter { $0 != "-" }.utf8)
        guard hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 32, by: 2) {
            guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    private static func append(_ out: inout [UInt8], _ value: UInt64, width: Int) {
        for index in 0..<width { out.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index))) }
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
