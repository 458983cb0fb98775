/// MySQL 8.3+'s tagged GTID event (type 42), which MySQL writes for transactions whose GTID has a tag and which,
/// unlike the older GTID event, is one message of MySQL's serialization format: a header of three varlen integers
/// (format version, the message's whole size, the last field id a reader must understand), then fields as
/// (varlen id, value) in increasing id order, a field left out when its value is its default. Integers are
/// varlen (signed ones zigzag-encoded first), the UUID sixteen varlen bytes, the tag a varlen length and bytes.
///
/// The fields (MySQL's `Gtid_event` field definitions): 0 flags, 1 uuid, 2 gno, 3 tag, 4 last committed, 5 sequence
/// number, 6 immediate commit time (µs), 7 original commit time, 8 transaction length, 9 immediate server version,
/// 10 original server version, 11 commit group ticket. Replication needs 1–3 and 6; the rest are skipped.
enum MySQLTaggedGTIDDecoding {
    /// The last field id this decoder knows: a message whose must-understand fields go further is refused.
    private static let lastKnownField: UInt64 = 11

    static func event(_ reader: inout ByteReader) throws(BinlogDecodingError) -> MySQLGTIDEvent {
        let start = reader.offset
        _ = try ControlEventDecoding.variableLengthInteger(&reader)  // format version
        let size = try ControlEventDecoding.variableLengthInteger(&reader)
        let lastNonIgnorable = try ControlEventDecoding.variableLengthInteger(&reader)
        guard size <= UInt64(reader.remaining + (reader.offset - start)), size >= UInt64(reader.offset - start) else {
            throw .malformed(what: "tagged GTID event", detail: "message size \(size) with \(reader.remaining) bytes left")
        }
        guard lastNonIgnorable <= lastKnownField else {
            throw .malformed(what: "tagged GTID event", detail: "it needs field \(lastNonIgnorable) understood (a newer server's format)")
        }
        let end = start + Int(size)
        var uuid: [UInt8]?, number: Int64?, tag = "", commitMicros: UInt64?
        while reader.offset < end {
            let field = try ControlEventDecoding.variableLengthInteger(&reader)
            switch field {
            case 1:
                var bytes: [UInt8] = []
                for _ in 0..<16 { bytes.append(UInt8(truncatingIfNeeded: try ControlEventDecoding.variableLengthInteger(&reader))) }
                uuid = bytes
            case 2:
                number = zigzag(try ControlEventDecoding.variableLengthInteger(&reader))
            case 3:
                let length = try ControlEventDecoding.variableLengthInteger(&reader)
                guard length <= 32, Int(length) <= end - reader.offset else {
                    throw .malformed(what: "tagged GTID event", detail: "tag length \(length)")
                }
                tag = try reader.string(Int(length), "GTID tag")
                // A tag is a letter or `_`, then letters, digits or `_` (so `uuid:tag:n` reads back as written).
                guard tag.isEmpty || (tag.first.map { $0.isLetter || $0 == "_" } == true
                                      && tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw .malformed(what: "tagged GTID event", detail: "tag \(tag.debugDescription) is not a GTID tag")
                }
            case 6:
                commitMicros = try ControlEventDecoding.variableLengthInteger(&reader)
            case 0, 4, 5, 7, 8, 9, 10, 11:
                _ = try ControlEventDecoding.variableLengthInteger(&reader)
            default:
                // A field of a newer server that a reader may ignore: the rest of the message is skipped.
                try reader.skip(max(0, end - reader.offset), "tagged GTID event fields")
            }
        }
        guard let uuid, let number else {
            throw .malformed(what: "tagged GTID event", detail: "no server uuid or transaction number")
        }
        return MySQLGTIDEvent(isAnonymous: false, serverUUID: uuid, transactionNumber: number,
                              immediateCommitMicroseconds: commitMicros, tag: tag.lowercased())
    }

    private static func zigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
