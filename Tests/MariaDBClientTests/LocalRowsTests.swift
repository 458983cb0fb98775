import Foundation
import MariaDBClient
import Testing
import TestSupport

/// `LOAD DATA LOCAL` reads only the rows handed to `execute`, and a load that did not write them all exactly fails.
@Suite("LOAD DATA LOCAL from memory, live", .serialized, .enabled(if: TestServer.isConfigured))
struct LocalRowsTests {
    private static func load(_ database: String) -> String {
        "LOAD DATA LOCAL INFILE '\(LocalRows.fileName)' INTO TABLE \(database).t CHARACTER SET utf8mb4 (id, v)"
    }

    private static func rows(_ lines: [String]) -> LocalRows {
        LocalRows(bytes: Array(lines.map { $0 + "\n" }.joined().utf8), count: lines.count)
    }

    @Test("Rows handed over are loaded, several loads in one text each reading its own")
    func loadsTheRowsHandedOver() throws {
        let (database, admin, connection) = try start("tm_local_rows", servesLocalRows: true)
        defer { try? admin.execute("DROP DATABASE \(database)") }
        try connection.execute("BEGIN;\n\(Self.load(database));\n\(Self.load(database));\nCOMMIT",
                               serving: [Self.rows(["1\tone", "2\ttwo"]), Self.rows(["3\tthree"])])
        #expect(try admin.query("SELECT GROUP_CONCAT(id, v ORDER BY id) FROM \(database).t").string(0, 0) == "1one,2two,3three")
    }

    @Test("A duplicate key or a converted value fails the load instead of being skipped with a warning")
    func aSkippedOrConvertedRowFails() throws {
        let (database, admin, connection) = try start("tm_local_dup", servesLocalRows: true)
        defer { try? admin.execute("DROP DATABASE \(database)") }
        try connection.execute("INSERT INTO \(database).t VALUES (1, 'one')")
        for lines in [["2\ttwo", "1\tagain"], ["3\tthis value is longer than the column"], ["x4\tnot a number"]] {
            let error = #expect(throws: MariaDBError.self) {
                try connection.execute("BEGIN;\n\(Self.load(database))", serving: [Self.rows(lines)])
            }
            #expect(error?.message.contains("LOAD DATA LOCAL wrote") == true)
            #expect(error?.kind == .permanent)
            try connection.execute("ROLLBACK")
        }
        #expect(try admin.query("SELECT GROUP_CONCAT(id) FROM \(database).t").string(0, 0) == "1")
    }

    @Test("The server gets no file: not one it names, not tablemirror's name with nothing handed over, not without the option")
    func noFileIsEverServed() throws {
        let (database, admin, connection) = try start("tm_local_refuse", servesLocalRows: true)
        defer { try? admin.execute("DROP DATABASE \(database)") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tm-local-rows-\(UUID().uuidString)")
        try Data("9\tfrom a file\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = "LOAD DATA LOCAL INFILE '\(file.path)' INTO TABLE \(database).t (id, v)"
        // Named by the server, even with rows handed over for the statement: refused, and those rows stay unread.
        #expect(throws: MariaDBError.self) { try connection.execute(fromFile, serving: [Self.rows(["8\teight"])]) }
        #expect(throws: MariaDBError.self) { try connection.execute(Self.load(database)) }
        let (_, _, plain) = try start(database, servesLocalRows: false, create: false)
        #expect(throws: MariaDBError.self) { try plain.execute(Self.load(database), serving: [Self.rows(["7\tseven"])]) }
        #expect(throws: MariaDBError.self) { try plain.execute(fromFile) }
        #expect(try admin.query("SELECT COUNT(*) FROM \(database).t").string(0, 0) == "0")
        // The connection is usable afterwards.
        try connection.execute(Self.load(database), serving: [Self.rows(["6\tsix"])])
        #expect(try admin.query("SELECT GROUP_CONCAT(id) FROM \(database).t").string(0, 0) == "6")
    }

    private func start(_ database: String, servesLocalRows: Bool, create: Bool = true) throws
        -> (String, MariaDBConnection, MariaDBConnection) {
        let name = create ? TestServer.uniqueDatabase(database) : database
        let admin = try TestServer.connect()
        if create {
            try admin.execute("CREATE DATABASE \(name)")
            try admin.execute("CREATE TABLE \(name).t (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB")
        }
        var options = TestServer.options()
        options.multiStatements = true
        options.servesLocalRows = servesLocalRows
        return (name, admin, try MariaDBConnection(options))
    }
}
