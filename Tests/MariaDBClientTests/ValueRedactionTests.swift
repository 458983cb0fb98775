import MariaDBClient
import Testing

/// Row values never reach an error text: literals in statement excerpts and quoted values in server messages
/// become `?`; names stay.
struct ValueRedactionTests {
    @Test func literalsInAnExcerptBecomeQuestionMarks() {
        #expect(ValueRedaction.excerpt("INSERT INTO `db`.`t1` (`a`, `b2`) VALUES ('secret''s', X'CAFE', -42.5e3, _utf8mb4'x\\'y', NULL)")
            == "INSERT INTO `db`.`t1` (`a`, `b2`) VALUES (?, ?, -?, ?, NULL)")
        #expect(ValueRedaction.excerpt("UPDATE t SET v = \"top-secret\" WHERE id = 1234567") == "UPDATE t SET v = ? WHERE id = ?")
    }

    @Test func anExcerptStopsAtItsLimit() {
        let excerpt = ValueRedaction.excerpt("SELECT " + String(repeating: "a, ", count: 100), limit: 20)
        #expect(excerpt.hasSuffix("…"))
        #expect(excerpt.unicodeScalars.count == 21)
    }

    @Test func serverMessagesKeepNamesAndLoseValues() {
        #expect(ValueRedaction.message("Duplicate entry 'alice@example.com' for key 'email'") == "Duplicate entry '?' for key 'email'")
        #expect(ValueRedaction.message("Duplicate entry 'O'Brien' for key 'name'") == "Duplicate entry '?' for key 'name'")
        #expect(ValueRedaction.message("Can't DROP 'secret'; check that it exists") == "Can't DROP '?'; check that it exists")
        #expect(ValueRedaction.message("Data too long for column 'name' at row 1") == "Data too long for column 'name' at row 1")
        #expect(ValueRedaction.message("Incorrect integer value: 'abc' for column `db`.`t`.`n` at row 1")
            == "Incorrect integer value: '?' for column `db`.`t`.`n` at row 1")
    }
}
