import CZlib

/// MariaDB's compressed events (`log_bin_compress=ON`): one header byte (0x80 | algorithm << 4 | size width),
/// the uncompressed size big-endian in 1 to 4 bytes, then a zlib stream.
enum MariaDBCompression {
    /// Larger claims are treated as corrupt rather than allocated (max_allowed_packet is at most 1 GiB).
    static let maximumUncompressedSize = 1 << 30

    static func uncompress(_ bytes: [UInt8]) throws(BinlogDecodingError) -> [UInt8] {
        guard let header = bytes.first else { throw .truncated(what: "compressed header", needed: 1, available: 0) }
        guard header & 0xE0 == 0x80 else {
            throw .malformed(what: "compressed event", detail: "header byte \(header) is not a zlib header")
        }
        let sizeWidth = Int(header & 0x07)
        guard (1...4).contains(sizeWidth), bytes.count > sizeWidth else {
            throw .malformed(what: "compressed event", detail: "size width \(sizeWidth)")
        }
        var size = 0
        for index in 1...sizeWidth { size = size << 8 | Int(bytes[index]) }
        // zlib cannot expand data more than about 1032 times; a larger claim is corruption, not data.
        guard size <= maximumUncompressedSize, size <= (bytes.count - 1 - sizeWidth) * 1032 + 64 else {
            throw .malformed(what: "compressed event", detail: "uncompressed size \(size) is implausible")
        }
        if size == 0 { return [] }
        var output = [UInt8](repeating: 0, count: size)
        var produced = uLongf(size)
        let compressed = bytes[(1 + sizeWidth)...]
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                CZlib.uncompress(out.baseAddress, &produced, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(produced) == size else {
            throw .decompressionFailed("zlib status \(status), \(produced) of \(size) bytes")
        }
        return output
    }
}
