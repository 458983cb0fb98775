@testable import BinlogDecoding
import Testing

struct SecretRedactionTests {
    @Test(arguments: [
        ("CREATE USER 'tm'@'127.0.0.1' IDENTIFIED BY 'tm-test-pw'", "CREATE USER 'tm'@'127.0.0.1' IDENTIFIED BY '<redacted>'"),
        ("ALTER USER u IDENTIFIED VIA mysql_native_password USING PASSWORD('s3cr''et')",
         "ALTER USER u IDENTIFIED VIA mysql_native_password USING PASSWORD('<redacted>')"),
        ("SET PASSWORD FOR 'a'@'%' = PASSWORD('x')", "SET PASSWORD FOR 'a'@'%' = PASSWORD('<redacted>')"),
        ("GRANT ALL ON *.* TO 'a'@'%' IDENTIFIED BY \"dq\"", "GRANT ALL ON *.* TO 'a'@'%' IDENTIFIED BY \"<redacted>\""),
        ("ALTER TABLE items ADD COLUMN password_hint VARCHAR(10) DEFAULT 'x'",
         "ALTER TABLE items ADD COLUMN password_hint VARCHAR(10) DEFAULT 'x'"),
        // The plugin stays readable, the hash does not (both quoted, and the plugin longer than the marker).
        ("ALTER USER 'u'@'%' IDENTIFIED WITH 'mysql_native_password' AS '*0123456789ABCDEF'",
         "ALTER USER 'u'@'%' IDENTIFIED WITH 'mysql_native_password' AS '<redacted>'"),
        ("CREATE USER u IDENTIFIED WITH caching_sha2_password AS 0x2441243030352454",
         "CREATE USER u IDENTIFIED WITH caching_sha2_password AS <redacted>"),
        ("CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('p') OR unix_socket",
         "CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('<redacted>') OR unix_socket"),
        ("SET PASSWORD FOR u = 'hash'", "SET PASSWORD FOR u = '<redacted>'"),
        ("ALTER USER u IDENTIFIED BY 'a\\'b''c' ACCOUNT LOCK", "ALTER USER u IDENTIFIED BY '<redacted>' ACCOUNT LOCK"),
        ("CREATE USER u /*!80000 IDENTIFIED BY 'inside' */", "CREATE USER u /*!80000 IDENTIFIED BY '<redacted>' */"),
        ("CREATE USER u /* IDENTIFIED BY 'note' */ IDENTIFIED BY 'pw'", "CREATE USER u /* IDENTIFIED BY 'note' */ IDENTIFIED BY '<redacted>'"),
        ("ALTER USER u IDENTIFIED BY 'never closed", "ALTER USER u IDENTIFIED BY '<redacted>"),
        ("CREATE USER 'é́'@'%' IDENTIFIED BY 'pw'", "CREATE USER 'é́'@'%' IDENTIFIED BY '<redacted>'"),
    ])
    func secretsAreRemoved(statement: String, expected: String) {
        #expect(SecretRedaction.redact(statement) == expected)
    }

    @Test func ddlJSONLinesAreRedacted() {
        let line = JSONLineWriter.line(for: DDLMessage(database: "", statement: "CREATE USER x IDENTIFIED BY 'hunter2'", file: "f",
                                                      startOffset: 1, endOffset: 2, gtid: nil, timestamp: 0))
        #expect(!line.contains("hunter2"))
    }
}
