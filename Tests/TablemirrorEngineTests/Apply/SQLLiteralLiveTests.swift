import BinlogDecoding
import MariaDBClient
@testable import TablemirrorEngine
import Testing
import TestSupport

/// Decoded values written back with SQLLiteral give the very same row: every type, every edge value; and so do
/// they loaded by `LOAD DATA LOCAL` (`LoadDataRows`), which writes them as field text instead.
@Suite("SQL literals round-trip through a live server", .serialized, .enabled(if: TestServer.isConfigured))
struct SQLLiteralLiveTests {
    @Test(arguments: [false, true]) func everyDecodedValueWritesBackExactly(loaded: Bool) throws {
        let database = TestServer.uniqueDatabase("tm_literals")
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(database)")
        defer { try? admin.execute("DROP DATABASE \(database)") }
        var options = TestServer.options(database: database)
        options.servesLocalRows = true
        options.multiStatements = true
        let writer = try MariaDBConnection(options)
        try writer.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO', SESSION binlog_row_image = FULL")
        try writer.execute(AllTypesTable.createStatement)
        try writer.execute("CREATE TABLE copy LIKE all_types")
        let start = try TestServer.currentPosition(admin)
        for row in AllTypesTable.rows { try writer.execute(AllTypesTable.insertStatement(row)) }

        let source = try RemoteEventSource(TestServer.options(), request: BinlogStreamRequest(
            start: .position(file: start.file, offset: start.offset), serverID: UInt32.random(in: 6_000_000..<7_000_000), heartbeatSeconds: 0, stopAtEnd: true))
        let session = DecodeSession(schemaConnection: try TestServer.connect())
        var inserts: [RowChangeMessage] = []
        try session.run(source) { change in
            if case let .row(row) = change, row.database == database, row.table == "all_types" { inserts.append(row) }
        }
        #expect(inserts.count == AllTypesTable.rows.count)
        if loaded {
            // All rows as the applier's folds write new rows: loaded together where they can be, else inserted.
            var builder = RowChangeSQL.Builder(plan: TableApplyPlan(database: database, table: "copy", keyColumns: [0]))
            for insert in inserts { builder.addLoaded(try #require(insert.after), names: insert.columnNames) }
            let statements = builder.finish()
            #expect(statements.contains { $0.rows != nil })
            for statement in statements { try writer.execute(statement.sql, serving: statement.rows.map { [$0] } ?? []) }
        }
        for insert in inserts where !loaded {
            let image = try #require(insert.after)
            var columns: [String] = []
            var values: [String] = []
            for (index, value) in image.values.enumerated() {
                guard let value else { continue }
                columns.append(SQLLiteral.identifier(insert.columnNames[index]))
                values.append(SQLLiteral.render(value, column: insert.columnNames[index]))
            }
            try writer.execute("INSERT INTO copy (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))")
        }
        let original = try writer.query("SELECT * FROM all_types ORDER BY id")
        let copy = try writer.query("SELECT * FROM copy ORDER BY id")
        #expect(copy.rows.count == original.rows.count)
        for (row, (left, right)) in zip(original.rows, copy.rows).enumerated() {
            for column in original.columns.indices where left[column] != right[column] {
                Issue.record("row \(row) column \(original.columns[column]): source \(String(decoding: left[column] ?? [], as: UTF8.self).prefix(60)), copy \(String(decoding: right[column] ?? [], as: UTF8.self).prefix(60))")
            }
        }
    }
}
