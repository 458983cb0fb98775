/// Decoders for the small control events: rotate, query, XID, GTIDs, checkpoints, heartbeats.
enum ControlEventDecoding {
    static func rotate(_ reader: inout ByteReader) throws(BinlogDecodingError) -> RotateEvent {
        let position = try reader.uint64("rotate position")
        return RotateEvent(position: position, nextFileName: reader.restString())
    }

    static func query(_ reader: inout ByteReader, compressed: Bool) throws(BinlogDecodingError) -> QueryEvent {
        let threadID = try reader.uint32("query thread id")
        let seconds = try reader.uint32("query execution time")
        let databaseLength = Int(try reader.uint8("query database length"))
        let errorCode = try reader.uint16("query error code")
        let statusLength = Int(try reader.uint16("query status variables length"))
        let session = QuerySessionSettings.decode(try reader.subReader(statusLength, "query status variables"))
        let database = try reader.string(databaseLength, "query database")
        try reader.skip(1, "query database terminator")
        let statement: String
        if compressed {
            let text = try MariaDBCompression.uncompress(reader.restBytes())
            statement = String(decoding: text, as: UTF8.self)
        } else {
            statement = reader.restString()
        }
        return QueryEvent(threadID: threadID, executionSeconds: seconds, errorCode: errorCode, database: database, statement: statement,
                          session: session)
    }

    static func mariadbGTID(_ reader: inout ByteReader, serverID: UInt32) throws(BinlogDecodingError) -> MariaDBGTIDEvent {
        let sequence = try reader.uint64("GTID sequence")
        let domain = try reader.uint32("GTID domain")
        let flags = try reader.uint8("GTID flags")
        let commitID = flags & 0x02 != 0 ? try reader.uint64("GTID commit id") : nil
        return MariaDBGTIDEvent(gtid: MariaDBGTID(domainID: domain, serverID: serverID, sequence: sequence),
                                flags: flags, commitID: commitID)
    }

    static func mariadbGTIDList(_ reader: inout ByteReader) throws(BinlogDecodingError) -> [MariaDBGTID] {
        // The low 28 bits count the entries; the high 4 are flags.
        let count = Int(try reader.uint32("GTID list count") & 0x0FFF_FFFF)
        guard count <= reader.remaining / 16 else {
            throw .truncated(what: "GTID list", needed: count * 16, available: reader.remaining)
        }
        var list: [MariaDBGTID] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            let domain = try reader.uint32("GTID list domain")
            let server = try reader.uint32("GTID list server")
            let sequence = try reader.uint64("GTID list sequence")
            list.append(MariaDBGTID(domainID: domain, serverID: server, sequence: sequence))
        }
        return list
    }

    static func binlogCheckpoint(_ reader: inout ByteReader) throws(BinlogDecodingError) -> String {
        let length = Int(try reader.uint32("checkpoint file name length"))
        return try reader.string(length, "checkpoint file name")
    }

    static func mysqlGTID(_ reader: inout ByteReader, anonymous: Bool) throws(BinlogDecodingError) -> MySQLGTIDEvent {
        _ = try reader.uint8("GTID flags")
        let uuid = try reader.bytes(16, "GTID server uuid")
        let number = Int64(bitPattern: try reader.uint64("GTID number"))
        var commitMicros: UInt64?
        // Logical timestamps (type byte + two 8-byte clocks) then, since 8.0.1, a 7-byte commit time.
        if reader.remaining >= 17 {
            try reader.skip(17, "GTID logical timestamps")
            if reader.remaining >= 7 {
                let raw = try reader.uintLE(7, "GTID commit time")
                commitMicros = raw & ~(UInt64(1) << 55)
            }
        }
        return MySQLGTIDEvent(isAnonymous: anonymous, serverUUID: uuid, transactionNumber: number,
                              immediateCommitMicroseconds: commitMicros)
    }

    static func mysqlPreviousGTIDs(_ reader: inout ByteReader) throws(BinlogDecodingError) -> MySQLGTIDSet {
        // MySQL 8.3+ writes the tagged form (each uuid followed by a tag) with the format number 1 in the
        // first and last byte of the count field and the count in the six bytes between.
        let rawCount = try reader.uint64("previous GTIDs count")
        let isTagged = rawCount >> 56 == 1 && rawCount & 0xFF == 1
        let count = isTagged ? (rawCount >> 8) & 0xFFFF_FFFF_FFFF : rawCount
        guard count <= UInt64(reader.remaining / 24) else {
            throw .malformed(what: "previous GTIDs", detail: "count field \(rawCount) with \(reader.remaining) bytes left")
        }
        var entries: [MySQLGTIDSet.Entry] = []
        for _ in 0..<Int(count) {
            let uuid = try reader.bytes(16, "previous GTIDs uuid")
            var tag = ""
            if isTagged {
                let tagLength = try variableLengthInteger(&reader)
                guard tagLength <= UInt64(reader.remaining) else {
                    throw .truncated(what: "GTID tag", needed: Int(clamping: tagLength), available: reader.remaining)
                }
                tag = try reader.string(Int(tagLength), "GTID tag")
            }
            let intervalCount = try reader.uint64("previous GTIDs interval count")
            guard intervalCount <= UInt64(reader.remaining / 16) else {
                throw .truncated(what: "previous GTIDs intervals", needed: saturatingProduct(intervalCount, 16), available: reader.remaining)
            }
            var intervals: [MySQLGTIDSet.Interval] = []
            for _ in 0..<Int(intervalCount) {
                let start = Int64(bitPattern: try reader.uint64("interval start"))
                let end = Int64(bitPattern: try reader.uint64("interval end"))
                intervals.append(.init(start: start, end: end))
            }
            entries.append(MySQLGTIDSet.Entry(uuid: uuid, tag: tag, intervals: intervals))
        }
        return MySQLGTIDSet(entries: entries)
    }

    /// MySQL's serialization varlen integer: the count of trailing one bits in the first byte says how many
    /// more bytes follow; the value is the little-endian whole shifted right past those marker bits.
    static func variableLengthInteger(_ reader: inout ByteReader) throws(BinlogDecodingError) -> UInt64 {
        var copy = reader
        let first = try copy.uint8("varlen integer")
        let extra = (~first).trailingZeroBitCount
        guard extra <= 8 else { throw .malformed(what: "varlen integer", detail: "first byte \(first)") }
        if extra == 8 {
            try reader.skip(1, "varlen integer")
            return try reader.uint64("varlen integer")
        }
        let raw = try reader.uintLE(extra + 1, "varlen integer")
        return raw >> UInt64(extra + 1)
    }
}

/// count × unit for error messages, without overflowing on a corrupt count.
func saturatingProduct(_ count: UInt64, _ unit: Int) -> Int {
    let (product, overflow) = Int(clamping: count).multipliedReportingOverflow(by: unit)
    return overflow ? Int.max : product
}
