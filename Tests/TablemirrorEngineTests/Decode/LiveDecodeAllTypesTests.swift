import BinlogDecoding
import MariaDBClient
import TablemirrorEngine
import Testing
import TestSupport

/// Writes every column type with edge values to a real server under each row image and metadata setting,
/// then decodes the binlog from the server and checks each decoded value against SELECT.
@Suite("Decoding a live server's binlog, every type", .serialized, .enabled(if: TestServer.isConfigured))
struct LiveDecodeAllTypesTests {
    struct Setting: CustomTestStringConvertible, Sendable {
        var rowImage: String
        var rowMetadata: String
        var compressed: Bool
        var testDescription: String { "image=\(rowImage) metadata=\(rowMetadata)\(compressed ? " compressed" : "")" }
    }

    static let settings: [Setting] =
        ["FULL", "MINIMAL", "NOBLOB"].flatMap { image in
            ["NO_LOG", "MINIMAL", "FULL"].map { Setting(rowImage: image, rowMetadata: $0, compressed: false) }
        } + [Setting(rowImage: "FULL", rowMetadata: "FULL", compressed: true),
             Setting(rowImage: "MINIMAL", rowMetadata: "NO_LOG", compressed: true)]

    @Test(arguments: settings)
    func decodedValuesEqualSelect(setting: Setting) throws {
        let database = TestServer.uniqueDatabase("tm_types")
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(database)")
        defer { try? admin.execute("DROP DATABASE \(database)") }
        try admin.execute("SET GLOBAL binlog_row_metadata = \(setting.rowMetadata)")
        try admin.execute("SET GLOBAL log_bin_compress = \(setting.compressed ? "ON" : "OFF")")
        defer {
            try? admin.execute("SET GLOBAL binlog_row_metadata = NO_LOG")
            try? admin.execute("SET GLOBAL log_bin_compress = OFF")
        }

        let writer = try TestServer.connect(database: database)
        try writer.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = '', SESSION binlog_row_image = \(setting.rowImage)")
        try writer.execute(AllTypesTable.createStatement)
        let start = try TestServer.currentPosition(admin)

        // Expected images, phase by phase, straight from SELECT.
        let selectAll = "SELECT * FROM all_types ORDER BY id"
        for row in AllTypesTable.rows { try writer.execute(AllTypesTable.insertStatement(row)) }
        let afterInsert = try writer.query(selectAll)
        try writer.execute("BEGIN")
        for statement in AllTypesTable.updateStatements { try writer.execute(statement) }
        try writer.execute("COMMIT")
        let afterUpdate = try writer.query(selectAll)
        try writer.execute("DELETE FROM all_types")

        let changes = try decodeRows(from: start, database: database)
        if setting.compressed {
            // Prove the compressed event types were really read, not just their uncompressed twins.
            let types = try BinlogCapture.events(from: start).events.map { $0[4] }
            #expect(types.contains { (165...171).contains($0) }, "no compressed events in \(Set(types))")
        }
        let inserts = changes.filter { $0.operation == .insert }
        let updates = changes.filter { $0.operation == .update }
        let deletes = changes.filter { $0.operation == .delete }
        #expect(inserts.count == AllTypesTable.rows.count)
        #expect(updates.count == AllTypesTable.updateStatements.count)
        #expect(deletes.count == AllTypesTable.rows.count)

        for (index, insert) in inserts.enumerated() {
            let image = try #require(insert.after)
            // Inserts log every column, except under MINIMAL where MariaDB logs the columns the statement set.
            let present = Set(image.values.indices.filter { image.values[$0] != nil }.map { insert.columnNames[$0] })
            let inserted = Set(AllTypesTable.rows[index].map(\.0))
            let expected: Set<String>
            switch setting.rowImage {
            case "MINIMAL": expected = inserted
            case "NOBLOB": expected = Set(insert.columnNames).subtracting(Self.blobColumns).union(inserted)
            default: expected = Set(insert.columnNames)
            }
            #expect(present.isSuperset(of: expected), "insert \(index) lacks \(expected.subtracting(present))")
            #expect(SelectComparison.differences(image: image, names: insert.columnNames, selected: afterInsert, row: index) == [])
        }
        for update in updates {
            let after = try #require(update.after)
            let before = try #require(update.before)
            let id = try #require(idValue(after) ?? idValue(before))
            let oldID = try #require(idValue(before))
            let newRow = try #require(rowIndex(afterUpdate, id: id))
            let oldRow = try #require(rowIndex(afterInsert, id: oldID))
            #expect(SelectComparison.differences(image: after, names: update.columnNames, selected: afterUpdate, row: newRow) == [])
            #expect(SelectComparison.differences(image: before, names: update.columnNames, selected: afterInsert, row: oldRow) == [])
            checkImageShape(before, isBefore: true, setting: setting, names: update.columnNames)
        }
        for delete in deletes {
            let before = try #require(delete.before)
            let id = try #require(idValue(before))
            let row = try #require(rowIndex(afterUpdate, id: id))
            #expect(SelectComparison.differences(image: before, names: delete.columnNames, selected: afterUpdate, row: row) == [])
            checkImageShape(before, isBefore: true, setting: setting, names: delete.columnNames)
        }
    }

    static let blobColumns: Set<String> = ["tx", "mtx", "ltx", "bl", "tbl", "mbl", "j"]

    /// MINIMAL before images carry only the key; NOBLOB ones leave out blobs; FULL carries everything.
    private func checkImageShape(_ image: RowImage, isBefore: Bool, setting: Setting, names: [String]) {
        let present = Set(image.values.indices.filter { image.values[$0] != nil }.map { names[$0] })
        switch setting.rowImage {
        case "FULL":
            #expect(present.count == names.count)
        case "MINIMAL":
            #expect(present == ["id"])
        default:
            // NOBLOB leaves out BLOB/TEXT columns the statement did not need (MariaDB's JSON is LONGTEXT;
            // GEOMETRY is logged).
            #expect(present.isSuperset(of: Set(names).subtracting(Self.blobColumns)))
        }
    }

    private func idValue(_ image: RowImage) -> Int64? {
        if case let .signed(id)?? = image.values.first { return id }
        return nil
    }

    private func rowIndex(_ result: QueryResult, id: Int64) -> Int? {
        result.rows.indices.first { result.string($0, "id") == String(id) }
    }

    private func decodeRows(from start: (file: String, offset: UInt64), database: String) throws -> [RowChangeMessage] {
        let source = try RemoteEventSource(TestServer.options(), request: BinlogStreamRequest(
            start: .position(file: start.file, offset: start.offset), serverID: UInt32.random(in: 6_000_000..<7_000_000), heartbeatSeconds: 0, stopAtEnd: true))
        let session = DecodeSession(schemaConnection: try TestServer.connect())
        var rows: [RowChangeMessage] = []
        try session.run(source) { change in
            if case let .row(row) = change, row.database == database { rows.append(row) }
        }
        return rows
    }
}
