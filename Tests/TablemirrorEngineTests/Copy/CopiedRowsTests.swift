import BinlogDecoding
import Testing
@testable import TablemirrorEngine

struct CopiedRowsTests {
    private let format = SnapshotRowFormat(table: QualifiedTableName(database: "product", table: "notes"), columns: ["id", "body"],
                                           kinds: [.number, .bytes])

    @Test func rowsBecomeReplacesThatStopNearTheStatementLimitAndCountTheirBytes() {
        var copied = CopiedRows(format: format, replica: "`orders`.`notes`")
        let wide = [UInt8](repeating: 0xAB, count: 300_000)
        for id in 1...5 { copied.add([Array("\(id)".utf8), wide]) }
        #expect(copied.rows == 5)
        let bytes = copied.bytes
        #expect(bytes >= 5 * 600_000)
        let statements = copied.take()
        // 600,000 hex digits a row: every second row ends a statement.
        #expect(statements.count == 3)
        #expect(statements.allSatisfy { $0.hasPrefix("REPLACE INTO `orders`.`notes` (`id`, `body`) VALUES (") })
        #expect(statements.map { $0.utf8.count }.reduce(0, +) == bytes)
        #expect(copied.rows == 0 && copied.bytes == 0 && copied.take().isEmpty, "take starts over")
    }

    @Test func oneRowLargerThanTheLimitIsOneStatement() {
        var copied = CopiedRows(format: format, replica: "`orders`.`notes`")
        copied.add([Array("1".utf8), [UInt8](repeating: 1, count: 2 << 20)])
        copied.add([Array("2".utf8), nil])
        #expect(copied.take() == [
            "REPLACE INTO `orders`.`notes` (`id`, `body`) VALUES (1, X'" + String(repeating: "01", count: 2 << 20) + "')",
            "REPLACE INTO `orders`.`notes` (`id`, `body`) VALUES (2, NULL)",
        ])
    }
}
