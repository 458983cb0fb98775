import BinlogDecoding
import MariaDBClient
import TablemirrorEngine
import Testing
import TestSupport

/// Decoded values written back with SQLLiteral give the very same row: every type, every edge value.
@Suite("SQL literals round-trip through a live server", .serialized, .enabled(if: TestServer.isConfigured))
struct SQLLiteralLiveTests {
    @Test func everyDecodedValueWritesBackExactly() throws {
        let database = TestServer.uniqueDatabase("tm_literals")
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(database)")
        defer { try? admin.execute("DROP DATABASE \(database)") }
        let writer = try TestServer.connect(database: database)
        try writer.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = '', SESSION binlog_row_image = FULL")
        try writer.execute(AllTypesTable.createStatement)
        try writer.execute("CREATE TABLE copy LIKE all_types")
        let start = try TestServer.currentPosition(admin)
        for row in AllTypesTable.rows { try writer.execute(AllTypesTable.insertStatement(row)) }

        let source = try RemoteEventSource(TestServer.options(), request: BinlogStreamRequest(
            start: .position(file: start.file, offset: start.offset), serverID: 0, heartbeatSeconds: 0, stopAtEnd: true))
        let session = DecodeSession(schemaConnection: try TestServer.connect())
        var inserts: [RowChangeMessage] = []
        try session.run(source) { change in
            if case let .row(row) = change, row.database == database, row.table == "all_types" { inserts.append(row) }
        }
        #expect(inserts.count == AllTypesTable.rows.count)
        for insert in inserts {
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
