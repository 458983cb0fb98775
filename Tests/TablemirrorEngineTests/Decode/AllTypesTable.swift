/// The table every live decoding test writes: every column type, with edge values.
enum AllTypesTable {
    static let precisions = 0...6

    static var createStatement: String {
        let temporal = precisions.map { p in "tm\(p) TIME(\(p)), dtm\(p) DATETIME(\(p)), ts\(p) TIMESTAMP(\(p)) NULL" }
        return """
        CREATE TABLE all_types (
          id INT NOT NULL PRIMARY KEY,
          ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
          mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
          f FLOAT, d DOUBLE, dec65 DECIMAL(65,30), dec10 DECIMAL(10,2), dec5 DECIMAL(5,0), dec20 DECIMAL(20,20),
          y YEAR, dt DATE, \(temporal.joined(separator: ", ")),
          c CHAR(10), c255 CHAR(255) CHARSET utf8mb4, vc VARCHAR(300) CHARSET utf8mb4, vcl VARCHAR(50) CHARSET latin1,
          tx TEXT, mtx MEDIUMTEXT, ltx LONGTEXT,
          bn BINARY(8), vb VARBINARY(300), bl BLOB, tbl TINYBLOB, mbl MEDIUMBLOB,
          e ENUM('a','b','c'), s SET('x','y','z'), b1 BIT(1), b13 BIT(13), b64 BIT(64),
          j JSON, g GEOMETRY, pt POINT
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """
    }

    /// Column = value lists for the rows written; SQL expressions, so binary and geometry values can be built.
    static let rows: [[(String, String)]] = [
        // Maximums.
        [("id", "1"), ("ti", "127"), ("tiu", "255"), ("si", "32767"), ("siu", "65535"), ("mi", "8388607"),
         ("miu", "16777215"), ("i", "2147483647"), ("iu", "4294967295"), ("bi", "9223372036854775807"),
         ("biu", "18446744073709551615"), ("f", "3.40282e38"), ("d", "1.7976931348623157e308"),
         ("dec65", "'99999999999999999999999999999999999.999999999999999999999999999999'"),
         ("dec10", "99999999.99"), ("dec5", "99999"), ("dec20", "0.99999999999999999999"),
         ("y", "2155"), ("dt", "'9999-12-31'")]
            + precisions.flatMap { p in
                [("tm\(p)", "'838:59:59\(p > 0 ? "." + String(repeating: "0", count: p) : "")'"),
                 ("dtm\(p)", "'9999-12-31 23:59:59\(p > 0 ? "." + String(repeating: "9", count: p) : "")'"),
                 ("ts\(p)", "'2038-01-19 03:14:07\(p > 0 ? "." + String(repeating: "9", count: p) : "")'")]
            }
            + [("c", "'abcdefghij'"), ("c255", "REPEAT('é', 255)"), ("vc", "REPEAT('😀', 300)"), ("vcl", "'Grüße €'"),
               ("tx", "REPEAT('t', 65535)"), ("mtx", "REPEAT('m', 70000)"), ("ltx", "REPEAT('l', 100000)"),
               ("bn", "X'FF00FF00FF00FF00'"), ("vb", "REPEAT(X'00FF', 150)"), ("bl", "REPEAT(X'00', 65535)"),
               ("tbl", "X'00010203'"), ("mbl", "REPEAT(X'ABCD', 40000)"),
               ("e", "'c'"), ("s", "'x,y,z'"), ("b1", "b'1'"), ("b13", "b'1111111111111'"), ("b64", "18446744073709551615"),
               ("j", #"'{"k": [1, 2.5, "ü😀", null, true, {"n": {"m": [[]]}}], "big": 18446744073709551615}'"#),
               ("g", "ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))')"), ("pt", "POINT(1.5, -2.25)")],
        // Minimums and negatives.
        [("id", "2"), ("ti", "-128"), ("tiu", "0"), ("si", "-32768"), ("siu", "0"), ("mi", "-8388608"),
         ("miu", "0"), ("i", "-2147483648"), ("iu", "0"), ("bi", "-9223372036854775808"), ("biu", "0"),
         ("f", "-1.17549e-38"), ("d", "-2.2250738585072014e-308"),
         ("dec65", "'-12345678901234567890123456789012345.123456789012345678901234567890'"),
         ("dec10", "-0.01"), ("dec5", "-99999"), ("dec20", "-0.00000000000000000001"),
         ("y", "1901"), ("dt", "'1000-01-01'")]
            + precisions.flatMap { p in
                [("tm\(p)", "'-838:59:59'"),
                 ("dtm\(p)", "'1000-01-01 00:00:00\(p > 0 ? "." + String(repeating: "0", count: p - 1) + "1" : "")'"),
                 ("ts\(p)", "'1970-01-01 00:00:01\(p > 0 ? "." + String(repeating: "0", count: p - 1) + "1" : "")'")]
            }
            + [("c", "''"), ("vc", "''"), ("tx", "''"), ("bn", "X'00'"), ("vb", "X''"), ("bl", "X''"),
               ("e", "'a'"), ("s", "''"), ("b1", "b'0'"), ("b13", "b'0'"), ("b64", "0"), ("j", "'[]'")],
        // NULLs everywhere but the key.
        [("id", "3")],
        // Zero dates, fractional negatives and other edges.
        [("id", "4"), ("y", "0"), ("dt", "'0000-00-00'"), ("dtm0", "'0000-00-00 00:00:00'"), ("dtm3", "'2020-00-00 00:00:00.000'"),
         ("ts0", "'0000-00-00 00:00:00'"), ("tm1", "'-00:00:00.1'"), ("tm2", "'-00:00:01.01'"), ("tm3", "'-12:34:56.789'"),
         ("tm4", "'-00:00:00.0001'"), ("tm5", "'-838:59:58.99999'"), ("tm6", "'-00:00:00.000001'"),
         ("dec65", "0"), ("f", "0.5"), ("d", "-0.1"), ("c", "'a b'"), ("vc", "'tab\tnew\nline\\\\quote''\"'"),
         ("e", "'b'"), ("s", "'y'"), ("j", #"'"plain string"'"#), ("b13", "b'1010101010101'"), ("b64", "b'1'")],
    ]

    static func insertStatement(_ row: [(String, String)]) -> String {
        "INSERT INTO all_types (\(row.map(\.0).joined(separator: ", "))) VALUES (\(row.map(\.1).joined(separator: ", ")))"
    }

    /// Changes every row in ways that touch many columns.
    static let updateStatements = [
        "UPDATE all_types SET ti = ti - 1, vc = CONCAT('u', COALESCE(vc, '')), dec10 = -dec10 WHERE id = 1",
        "UPDATE all_types SET biu = 18446744073709551614, tx = 'now text', bl = X'0001FF' WHERE id = 2",
        "UPDATE all_types SET i = 42, j = '{\"a\": \"ü\"}', dt = '2024-02-29' WHERE id = 3",
        "UPDATE all_types SET id = 40, s = 'x,z' WHERE id = 4",
    ]
}
