import Foundation
import Testing

/// `tablemirror decode` on real files: positions of a MariaDB 11.4+ binlog, and a file cut inside an event.
/// A MariaDB 11.8 binlog (binlog_legacy_event_pos=OFF) from the shared fixtures, when they are there.
private let mariaDB118File: String? = {
    guard let root = ProcessInfo.processInfo.environment["TM_TEST_FIXTURES"] else { return nil }
    let path = root + "/binlogs/mariadb-operator__mariadb-poc/domain_id_0__mariadb-repl-bin.000005"
    return FileManager.default.fileExists(atPath: path) ? path : nil
}()

@Suite("Decode command", .enabled(if: DaemonProcess.isBuilt && mariaDB118File != nil))
struct DecodeCommandTests {
    @Test func positionsAreRealOffsetsWhereTheServerWroteZero() throws {
        let (status, output) = try DaemonProcess.command(["decode", "--json", try #require(mariaDB118File)])
        #expect(status == 0)
        let lines = output.split(separator: "\n")
        #expect(lines.count > 100)
        #expect(!output.contains("\"pos\":0,") && !output.contains("\"end_pos\":0,"))
        // The server wrote 0 for this transaction's statements; these are their places in the file.
        #expect(lines.first?.contains("\"pos\":391,\"end_pos\":505,") == true)
    }

    @Test func whatWasDecodedBeforeAnErrorIsPrintedThenTheError() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: try #require(mariaDB118File)))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("tm-cut-\(getpid()).bin")
        try whole.prefix(3000).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        let (status, output) = try DaemonProcess.command(["decode", cut.path], withErrors: true)
        #expect(status != 0)
        let lines = output.split(separator: "\n").map(String.init)
        // Three whole transactions precede the cut; the error comes after them.
        #expect(lines.filter { $0.hasPrefix("COMMIT at ") }.count == 3)
        #expect(lines.last?.contains("file ends inside an event at offset 2982") == true)
    }
}
