/// A GTID set in the binary form MySQL writes in Previous_gtids events and replicas send in COM_BINLOG_DUMP_GTID:
/// the inverse of `ControlEventDecoding.mysqlPreviousGTIDs`, checked against the sets of MySQL-written files.
extension MySQLGTIDSet {
    /// The set's binary form: a count, then per member (server UUID, and tag since 8.3) its UUID bytes, [tag,]
    /// its interval count and each interval as [start, end). A set without tags is written in the untagged form
    /// every MySQL 5.6+ reads; one with a tag in the tagged form of 8.3+, whose count field holds the format
    /// number 1 in its first and last byte and the count in the six between, with each tag after its UUID as a
    /// serialization varlen length and its bytes.
    public var encoded: [UInt8] {
        let entries = normalized.entries
        let tagged = entries.contains { !$0.tag.isEmpty }
        var out: [UInt8] = []
        let count = UInt64(entries.count)
        Self.append(&out, tagged ? 1 << 56 | count << 8 | 1 : count, width: 8)
        for entry in entries {
            out += entry.uuid
            if tagged {
                let tag = Array(entry.tag.utf8)
                out += Self.variableLengthInteger(UInt64(tag.count))
                out += tag
            }
            Self.append(&out, UInt64(entry.intervals.count), width: 8)
            for interval in entry.intervals {
                Self.append(&out, UInt64(bitPattern: interval.start), width: 8)
                Self.append(&out, UInt64(bitPattern: interval.end), width: 8)
            }
        }
        return out
    }

    /// MySQL's serialization varlen integer: n bytes hold 7n bits of value after n−1 one bits and a zero bit in the
    /// first byte's low end; nine bytes (first byte all ones) hold a whole 64-bit value after it.
    static func variableLengthInteger(_ value: UInt64) -> [UInt8] {
        let bytes = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
        guard bytes <= 8 else {
            var out: [UInt8] = [0xFF]
            append(&out, value, width: 8)
            return out
        }
        var out: [UInt8] = []
        let raw = value << UInt64(bytes) | (UInt64(1) << UInt64(bytes - 1) - 1)
        append(&out, raw, width: bytes)
        return out
    }

    private static func append(_ out: inout [UInt8], _ value: UInt64, width: Int) {
        for index in 0..<width { out.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index))) }
    }
}
