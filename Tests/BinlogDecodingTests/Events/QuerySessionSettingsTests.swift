import Testing
@testable import BinlogDecoding

struct QuerySessionSettingsTests {
    private func block(_ parts: [[UInt8]]) -> ByteReader { ByteReader(parts.flatMap { $0 }) }

    private func uint64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    @Test func readsSqlModeAndTimeZoneAmongTheOtherVariables() {
        let zone = Array("+02:00".utf8)
        let settings = QuerySessionSettings.decode(block([
            [0, 0, 0, 0, 0], [1] + uint64(4 | 1 << 20), [6, 3] + Array("std".utf8), [3, 1, 0, 1, 0], [4, 33, 0, 33, 0, 8, 0],
            [5, UInt8(zone.count)] + zone, [128, 1, 2, 3],
        ]))
        #expect(settings.sqlMode == 4 | 1 << 20)
        #expect(settings.timeZone == "+02:00")
        #expect(settings.ansiQuotes && settings.noBackslashEscapes)
        #expect(settings.clientCollation == 33 && !settings.hasAmbiguousBytes)
        #expect(QuerySessionSettings(clientCollation: 28).hasAmbiguousBytes)  // gbk_chinese_ci
    }

    /// The server's numbering (SELECT @@sql_mode after SET sql_mode = 1048576 / 2097152): strict mode is not
    /// NO_BACKSLASH_ESCAPES.
    @Test func strictModeKeepsBackslashEscapes() {
        #expect(!QuerySessionSettings(sqlMode: 2_097_152).noBackslashEscapes)
        #expect(QuerySessionSettings(sqlMode: 1_048_576).noBackslashEscapes)
    }

    @Test func stopsAtAnUnknownCodeKeepingWhatItRead() {
        let settings = QuerySessionSettings.decode(block([[1] + uint64(4), [99, 1, 2, 3], [5, 1, 0x5a]]))
        #expect(settings == QuerySessionSettings(sqlMode: 4))
    }

    @Test func aTruncatedBlockGivesWhatCameBefore() {
        let settings = QuerySessionSettings.decode(block([[1] + uint64(0), [5, 9, 0x2b]]))
        #expect(settings == QuerySessionSettings(sqlMode: 0))
        #expect(!settings.ansiQuotes)
    }
}
