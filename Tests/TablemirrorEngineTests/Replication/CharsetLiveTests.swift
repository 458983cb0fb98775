@testable import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A column in every character set the server lists, filled with every character of a varied sample that the set
/// can encode (multi-byte ones, and the sjis/cp932/gbk/big5 characters whose trail byte is 0x5C), replicated
/// through the initial copy, inserts, updates and deletes: every replica byte-identical (HEX compared); and the
/// decoded binlog's JSON gives `CONVERT(col USING utf8mb4)` as text, or the exact bytes as base64 with the set named.
@Suite("Every character set, replicated exactly", .serialized, .enabled(if: TestServer.isConfigured))
struct CharsetLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    /// Latin, Greek, Cyrillic, Hebrew, Arabic, Thai, Georgian, Armenian, Japanese (kana, half-width kana, kanji),
    /// Chinese (simplified and traditional), Korean, symbols, characters outside the BMP, SQL's special characters,
    /// and characters whose sjis, cp932, gbk or big5 trail byte is 0x5C (backslash).
    static let sample: [String] = [
        "A", "z", "0", "~", "\\", "'", "\"", "%", "_", "\t", "é", "ß", "ø", "Ä", "ğ", "ı", "ą", "ł", "š", "ő", "ç",
        "€", "£", "¥", "©", "×", "µ", "Ω", "λ", "Ж", "я", "ё", "Ї", "א", "ש", "ع", "ك", "ก", "๙", "ა", "Ա", "ā", "ē",
        "あ", "ア", "ｱ", "ﾝ", "表", "ソ", "能", "予", "十", "申", "―", "ー", "騫", "許", "功", "乗", "榅", "癨", "中",
        "国", "한", "글", "—", "…", "™", "‰", "☃", "😀", "𠀋",
    ]

    @Test(arguments: ["NO_LOG", "FULL"])
    func everyCharsetByteIdentical(metadata: String) throws {
        let source = "tm_csrc_\(id)", target = "tm_ctgt_\(id)", name = "charsets_\(id)"
        let admin = try TestServer.connect()
        // The filling statements ask the server which samples a set can encode; the ones it cannot are warnings
        // that strict mode would make errors of INSERT … SELECT.
        try admin.execute("SET SESSION sql_mode = ''")
        let charsets = try admin.query("SHOW CHARACTER SET").rows.indices.compactMap { try? admin.query("SHOW CHARACTER SET").string($0, 0) }
        #expect(charsets.count >= 40, "SHOW CHARACTER SET listed \(charsets)")
        try admin.execute("SET GLOBAL binlog_row_metadata = \(metadata)")
        defer { try? admin.execute("SET GLOBAL binlog_row_metadata = NO_LOG") }
        let keyed = ["sjis", "cp932", "gbk", "big5"].filter(charsets.contains)
        let tables = ["every_charset"] + keyed.map { "keyed_\($0)" }
        try admin.execute("CREATE DATABASE \(source); CREATE DATABASE \(target)")
        defer {
            for table in tables { try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_\(table)`") }
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'")
        }
        try createTables(admin, source: source, charsets: charsets, keyed: keyed)
        let beforeInserts = try TestServer.currentPosition(admin)
        let half = Self.sample.count / 2
        try fill(admin, source: source, charsets: charsets, keyed: keyed, samples: 1...half)

        let configuration = try ConfigurationParser(file: "charsets.yaml").parse("""
            source: { user: tm, server_id: \(9000 + id % 1000) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings: [ \(tables.map { "{ source: \(source).\($0), targets: [\(name)] }" }.joined(separator: ", ")) ]
            """)
        let running = RunningReplicator(configuration, targets: [name: TestServer.options()], source: TestServer.options())
        defer { running.stop() }
        func differences() -> [String] {
            tables.flatMap { table -> [String] in
                let select = { (database: String) in try? admin.query(self.hexSelect(admin, database: source, table: table, from: database)).rows }
                let (left, right) = (select(source), select(target))
                return left != nil && left == right ? [] : ["\(table): source \(left?.count ?? -1) rows, replica \(right?.count ?? -1)"]
            }
        }
        func converged(_ phase: String) -> Bool {
            let same = waitUntil(60) { differences().isEmpty }
            if !same { Issue.record("after \(phase): \(differences()); status: \(running.status.snapshot())") }
            return same
        }
        guard converged("the initial copy") else { return }

        try fill(admin, source: source, charsets: charsets, keyed: keyed, samples: (half + 1)...Self.sample.count)
        for charset in keyed {
            let trailing5C = try admin.query("SELECT COUNT(*) FROM \(source).keyed_\(charset) WHERE HEX(k) LIKE '%5C'").string(0, 0)
            #expect(trailing5C != "0", "no \(charset) sample ends in a 0x5C byte")
        }
        let inserted = try admin.query(convertSelect(admin, database: source, charsets: charsets))
        let decoded = try decodedInserts(from: beforeInserts, database: source)
        try checkDecoded(decoded, against: inserted, charsets: charsets)
        guard converged("streamed inserts") else { return }

        let reversals = charsets.map { "c_\($0) = REVERSE(c_\($0))" } + ["t_sjis = CONCAT(t_sjis, t_sjis)", "f_ucs2 = REVERSE(f_ucs2)", "f_big5 = REVERSE(f_big5)"]
        try admin.execute("UPDATE \(source).every_charset SET \(reversals.joined(separator: ", ")) WHERE id % 2 = 1")
        for charset in keyed {
            try admin.execute("UPDATE \(source).keyed_\(charset) SET v = v + 100 WHERE v % 2 = 0; UPDATE \(source).keyed_\(charset) SET k = CONCAT(k, k) WHERE v % 3 = 0")
        }
        guard converged("updates") else { return }

        try admin.execute("DELETE FROM \(source).every_charset WHERE id % 3 = 0")
        for charset in keyed { try admin.execute("DELETE FROM \(source).keyed_\(charset) WHERE v % 5 = 0") }
        guard converged("deletes") else { return }
        #expect(try admin.query("SELECT COUNT(*) FROM \(target).every_charset").string(0, 0) != "0")

        // verify compares the bytes of every set (a case-only change under a case-insensitive collation is a
        // difference), and mixing the sets in one row hash is no error.
        let connections = Replicator.Connections(source: TestServer.options(), targets: [name: TestServer.options()])
        let plan = try ReplicationPlan.resolve(configuration, source: admin)
        let selection = try TableSelection.resolve(tables.map { "\(source).\($0)" }, target: nil, plan: plan)
        let identical = try Verification.run(selection.entries, connections: connections)
        #expect(identical.count == tables.count && identical.allSatisfy { $0.differences.isEmpty }, "\(identical.map(\.differences))")
        try admin.execute("UPDATE \(target).every_charset SET c_sjis = LOWER(c_sjis) WHERE id = 1")
        let drifted = try Verification.run(selection.entries, connections: connections)
        #expect(drifted.first { $0.source.table == "every_charset" }?.differences.different == [["1"]])
    }

    /// Every collation id the server lists belongs to the character set tablemirror's table says, and every
    /// single-byte set's table is what the server converts each byte to now.
    @Test func tablesAgreeWithTheServer() throws {
        let admin = try TestServer.connect()
        let collations = try admin.query("SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE ID IS NOT NULL")
        #expect(collations.rows.count > 500)
        for row in collations.rows.indices {
            let id = UInt64(collations.string(row, 0) ?? "") ?? 0, name = collations.string(row, 1)
            #expect(Charset.forCollation(id)?.name == name, "collation \(id)")
        }
        for (name, table) in CharsetTables.singleByte {
            let text = "CONVERT(CONVERT(UNHEX(LPAD(HEX(seq), 2, '0')) USING \(name)) USING utf8mb4)"
            let result = try admin.query("SELECT HEX(\(text)) FROM mysql.seq_0_to_255 ORDER BY seq")
            for byte in 0..<256 where table[byte] != 0xFFFF {
                let expected = Unicode.Scalar(UInt32(table[byte])).map { String(Character($0)).utf8.map { String(format: "%02X", $0) }.joined() }
                #expect(result.string(byte, 0) == expected, "\(name) byte \(byte)")
            }
        }
    }

    private func createTables(_ admin: MariaDBConnection, source: String, charsets: [String], keyed: [String]) throws {
        try admin.execute("CREATE TABLE \(source).samples (i INT PRIMARY KEY, ch VARCHAR(4) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)")
        let values = Self.sample.enumerated().map { index, text in
            "(\(index + 1), _utf8mb4 X'\(text.utf8.map { String(format: "%02X", $0) }.joined())')"
        }
        try admin.execute("INSERT INTO \(source).samples VALUES \(values.joined(separator: ", "))")
        let columns = charsets.map { "c_\($0) VARCHAR(120) CHARACTER SET \($0) NULL" }
            + ["t_sjis TEXT CHARACTER SET sjis NULL", "f_ucs2 CHAR(80) CHARACTER SET ucs2 NULL", "f_big5 CHAR(80) CHARACTER SET big5 NULL"]
        try admin.execute("CREATE TABLE \(source).every_charset (id INT PRIMARY KEY, \(columns.joined(separator: ", ")))")
        for charset in keyed {
            try admin.execute("CREATE TABLE \(source).keyed_\(charset) (k VARCHAR(20) CHARACTER SET \(charset) PRIMARY KEY, v INT)")
        }
    }

    /// Whether sample `s.ch` survives `charset` both ways (the server says which characters a set can encode).
    private func encodable(_ charset: String) -> String {
        "HEX(CONVERT(CONVERT(s.ch USING \(charset)) USING utf8mb4)) = HEX(s.ch)"
    }

    /// Row 1 holds every encodable sample character in each column; row i+1 holds sample i alone (NULL where the
    /// set cannot encode it), so each character is also a whole value (a trailing 0x5C byte at a value's end).
    private func fill(_ admin: MariaDBConnection, source: String, charsets: [String], keyed: [String], samples: ClosedRange<Int>) throws {
        func all(_ charset: String) -> String {
            "(SELECT CONVERT(GROUP_CONCAT(s.ch ORDER BY s.i SEPARATOR '') USING \(charset)) FROM \(source).samples s WHERE \(encodable(charset)))"
        }
        let names = charsets.map { "c_\($0)" } + ["t_sjis", "f_ucs2", "f_big5"]
        let extras = ["sjis", "ucs2", "big5"]
        if samples.lowerBound == 1 {
            try admin.execute("INSERT INTO \(source).every_charset (id, \(names.joined(separator: ", "))) SELECT 1, \((charsets + extras).map(all).joined(separator: ", "))")
        }
        let single = (charsets + extras).map { "IF(\(encodable($0)), CONVERT(s.ch USING \($0)), NULL)" }
        try admin.execute("""
            INSERT INTO \(source).every_charset (id, \(names.joined(separator: ", ")))
            SELECT s.i + 1, \(single.joined(separator: ", ")) FROM \(source).samples s WHERE s.i BETWEEN \(samples.lowerBound) AND \(samples.upperBound)
            """)
        for charset in keyed {
            try admin.execute("""
                INSERT INTO \(source).keyed_\(charset) SELECT CONVERT(s.ch USING \(charset)), s.i FROM \(source).samples s
                WHERE s.i BETWEEN \(samples.lowerBound) AND \(samples.upperBound) AND \(encodable(charset))
                """)
        }
    }

    /// Every column as HEX, rows in key order (the replica's copy of `table` is compared with the source's).
    private func hexSelect(_ admin: MariaDBConnection, database source: String, table: String, from database: String) -> String {
        let columns = (try? admin.query("""
            SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '\(source)' AND TABLE_NAME = '\(table)' ORDER BY ORDINAL_POSITION
            """)).map { result in result.rows.indices.compactMap { result.string($0, 0) } } ?? []
        let hexes = columns.map { "HEX(`\($0)`)" }.joined(separator: ", ")
        return "SELECT \(hexes) FROM \(database).\(table) ORDER BY HEX(`\(columns.first ?? "id")`)"
    }

    private func convertSelect(_ admin: MariaDBConnection, database: String, charsets: [String]) -> String {
        let columns = charsets.flatMap { ["HEX(CONVERT(c_\($0) USING utf8mb4))", "HEX(c_\($0))"] }
        return "SELECT id, \(columns.joined(separator: ", ")) FROM \(database).every_charset ORDER BY id"
    }

    /// The inserts into every_charset after `start` (the copied rows' and the streamed ones'), as `decode --json` prints them (the same session and writer).
    private func decodedInserts(from start: (file: String, offset: UInt64), database: String) throws -> [Int: [String: Any]] {
        let source = try RemoteEventSource(TestServer.options(), request: BinlogStreamRequest(
            start: .position(file: start.file, offset: start.offset), serverID: UInt32.random(in: 6_000_000..<7_000_000), heartbeatSeconds: 0, stopAtEnd: true))
        let session = DecodeSession(schemaConnection: try TestServer.connect())
        var rows: [Int: [String: Any]] = [:]
        try session.run(source) { change in
            guard case let .row(row) = change, row.database == database, row.table == "every_charset", row.operation == .insert else { return }
            let line = JSONLineWriter.line(for: row)
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let after = object["after"] as? [String: Any], let id = after["id"] as? Int else {
                Issue.record("not a JSON row: \(line)")
                return
            }
            rows[id] = after
        }
        return rows
    }

    /// Each decoded value is the server's utf8mb4 conversion as text, or base64 of its exact bytes with its set
    /// named (binary columns: base64 of the bytes). Counts which sets came as text and which as bytes.
    private func checkDecoded(_ decoded: [Int: [String: Any]], against selected: QueryResult, charsets: [String]) throws {
        var asText: [String: Int] = [:], asBytes: [String: [String]] = [:]
        #expect(decoded.count == Self.sample.count + 1)
        for row in selected.rows.indices {
            guard let id = selected.string(row, 0).flatMap(Int.init), let values = decoded[id] else { continue }
            for (index, charset) in charsets.enumerated() {
                let converted = selected.string(row, 1 + 2 * index), bytes = selected.string(row, 2 + 2 * index)
                let value = values["c_\(charset)"]
                switch value {
                case is NSNull:
                    #expect(bytes == nil, "id \(id) c_\(charset): null, the source has \(bytes ?? "")")
                case let text as String where charset == "binary":
                    #expect(Data(base64Encoded: text).map(Self.hex) == bytes, "id \(id) binary column: \(text)")
                case let text as String:
                    asText[charset, default: 0] += 1
                    #expect(Self.hex(Data(text.utf8)) == converted, "id \(id) c_\(charset): \(text) is not CONVERT(… USING utf8mb4)")
                case let object as [String: Any]:
                    asBytes[charset, default: []].append(bytes ?? "")
                    #expect(object["charset"] as? String == charset, "id \(id) c_\(charset): \(object)")
                    #expect((object["base64"] as? String).flatMap { Data(base64Encoded: $0) }.map(Self.hex) == bytes, "id \(id) c_\(charset)")
                default:
                    Issue.record("id \(id) c_\(charset): \(String(describing: value))")
                }
            }
        }
        let texts = asText.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let base64 = asBytes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count) (\($0.value.prefix(4).joined(separator: " ")))" }
        print("[CharsetLive] decode --json values as text: \(texts); as base64+charset: \(base64.joined(separator: ", "))")
        // Never converted: the East Asian sets iconv disagrees on too often. Converted: every other set's samples,
        // which all convert both ways on the server.
        for charset in ["euckr", "ujis", "eucjpms"] where charsets.contains(charset) { #expect(asText[charset] == nil, "\(charset)") }
        let converted = Set(asBytes.keys).subtracting(["big5", "euckr", "ujis", "eucjpms", "sjis", "cp932", "gbk", "gb2312"])
        #expect(converted.isEmpty, "values of \(converted) not converted")
    }

    private static func hex(_ data: Data) -> String { data.map { String(format: "%02X", $0) }.joined() }
}
