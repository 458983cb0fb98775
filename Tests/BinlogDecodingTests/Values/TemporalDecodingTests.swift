@testable import BinlogDecoding
import Testing

struct TemporalDecodingTests {
    private func bigEndian(_ value: Int64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> Int64(8 * (width - 1 - $0))) }
    }

    /// TIME2 at precision 5-6 as the server packs it: sign, hours, minutes, seconds, microseconds in one offset integer.
    private func time2(negative: Bool, hours: Int64, minutes: Int64, seconds: Int64, micros: Int64) -> [UInt8] {
        let packed = ((hours << 12 | minutes << 6 | seconds) << 24) + micros
        return bigEndian((negative ? -packed : packed) + 0x8000_0000_0000, width: 6)
    }

    @Test func time2AtFullPrecision() throws {
        var reader = ByteReader(time2(negative: true, hours: 838, minutes: 59, seconds: 58, micros: 999_990))
        let value = try TemporalDecoding.time2(&reader, precision: 6)
        #expect(TemporalText.time(value) == "-838:59:58.999990")
    }

    @Test func negativeTimeWithHundredths() throws {
        // -00:00:01.01 is stored as whole part -2 and fraction byte -1 (0xFF): the server keeps negative
        // values sortable by counting the fraction back from the next whole second.
        var bytes = bigEndian(-2 + 0x80_0000, width: 3)
        bytes.append(0xFF)
        var reader = ByteReader(bytes)
        #expect(TemporalText.time(try TemporalDecoding.time2(&reader, precision: 2)) == "-00:00:01.01")
    }

    @Test func datetime2WithFraction() throws {
        // 2024-02-29 13:45:06.5 at precision 1
        let ym: Int64 = 2024 * 13 + 2
        let packed = ((ym << 5 | 29) << 17) | (13 << 12) | (45 << 6) | 6
        var reader = ByteReader(bigEndian(packed + 0x80_0000_0000, width: 5) + [50])
        let value = try TemporalDecoding.datetime2(&reader, precision: 1)
        #expect(TemporalText.datetime(value) == "2024-02-29 13:45:06.5")
    }

    @Test func zeroDates() throws {
        var reader = ByteReader(bigEndian(0x80_0000_0000, width: 5))
        #expect(TemporalText.datetime(try TemporalDecoding.datetime2(&reader, precision: 0)) == "0000-00-00 00:00:00")
        var date = ByteReader([0, 0, 0])
        #expect(TemporalText.date(try TemporalDecoding.date(&date)) == "0000-00-00")
    }

    @Test func timestampsPrintInUTC() {
        #expect(TemporalText.timestamp(seconds: 2_147_483_647, microseconds: 999_999, precision: 6) == "2038-01-19 03:14:07.999999")
        #expect(TemporalText.timestamp(seconds: 1, microseconds: 0, precision: 0) == "1970-01-01 00:00:01")
        #expect(TemporalText.timestamp(seconds: 0, microseconds: 0, precision: 2) == "0000-00-00 00:00:00.00")
        #expect(TemporalText.timestamp(seconds: 951_782_400, microseconds: 0, precision: 0) == "2000-02-29 00:00:00")
    }

    @Test func oldTimeAndDatetimeForms() throws {
        var time = ByteReader([0xC0, 0x1D, 0xFE])  // -12:34:56 as -123456 in three bytes
        #expect(TemporalText.time(try TemporalDecoding.timeOld(&time)) == "-12:34:56")
        var datetime = ByteReader([0x45, 0x1C, 0xFA, 0xA2, 0x30, 0x12, 0x00, 0x00])
        #expect(TemporalText.datetime(try TemporalDecoding.datetimeOld(&datetime)) == "2000-01-02 03:04:05")
    }

    @Test func precisionOverSixIsAnError() {
        var reader = ByteReader([0x80, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: BinlogDecodingError.self) { try TemporalDecoding.time2(&reader, precision: 7) }
    }
}
