import CZstd

/// zstd decompression for MySQL's transaction payload events.
enum ZstdDecompression {
    static func decompress(_ bytes: ArraySlice<UInt8>, expectedSize: Int) throws(BinlogDecodingError) -> [UInt8] {
        guard expectedSize >= 0, expectedSize <= MariaDBCompression.maximumUncompressedSize else {
            throw .malformed(what: "transaction payload", detail: "uncompressed size \(expectedSize) is implausible")
        }
        var output = [UInt8](repeating: 0, count: expectedSize)
        let result = output.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { input in
                ZSTD_decompress(out.baseAddress, out.count, input.baseAddress, input.count)
            }
        }
        if ZSTD_isError(result) != 0 {
            let name = ZSTD_getErrorName(result).map { String(cString: $0) } ?? "unknown error"
            throw .decompressionFailed("zstd: \(name)")
        }
        guard result == expectedSize else {
            throw .decompressionFailed("zstd produced \(result) bytes, payload header says \(expectedSize)")
        }
        return output
    }
}
