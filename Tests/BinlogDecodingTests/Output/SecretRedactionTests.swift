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
