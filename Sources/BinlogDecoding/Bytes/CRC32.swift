import CZlib

/// The CRC32 (ISO-HDLC, as in zlib) that servers append to each event when `binlog_checksum=CRC32`.
enum CRC32 {
    static func checksum(_ bytes: [UInt8], range: Range<Int>) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer -> UInt32 in
            guard let base = buffer.baseAddress, !range.isEmpty else { return 0 }
            return UInt32(crc32_z(0, base + range.lowerBound, range.count))
        }
    }
}
