import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The console's dead-letter and verify actions on a real `tablemirror run`: a replica refuses two changes (a
/// constraint added by hand), they become dead letters the page lists; discard removes one without applying it,
/// retry — after the constraint is lifted — puts the other's row right from the source; verify records its
/// result where the page shows it. The same code as `tablemirror dead-letters` and `tablemirror verify`.
@Suite("Console actions", .serialized, .enabled(if: TestServer.isConfigured && DaemonProcess.isBuilt))
struct ConsoleActionsLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_cact_src_\(id)" }
    var replica: String { "tm_cact_tgt_\(id)" }
    var target: String { "cact_\(id)" }

    @Test func deadLettersAreDiscardedAndRetriedAndVerifyIsShown() throws {
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source); CREATE TABLE \(source).items (id INT PRIMARY KEY, price INT); INSERT INTO \(source).items VALUES (1, 1)")
        defer {
            try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(replica)_items`; DROP DATABASE IF EXISTS \(source); DROP DATABASE IF EXISTS \(replica)")
            try? admin.execute("DELETE FROM _tablemirror.checkpoint WHERE target = '\(target)'; DELETE FROM _tablemirror.dead_letter WHERE target = '\(target)'")
        }
        let server = TestServer.options()
        let login = "host: \(server.host), port: \(server.port), user: \(server.user), password_env: TM_TEST_PASSWORD"
        let port = adminTestPort(id)
        let daemon = try DaemonProcess(yaml: """
            source: { \(login), server_id: \(7000 + id % 1000) }
            targets: { \(target): { \(login), database: \(replica) } }
            mappings: [{ source: \(source).items, targets: [\(target)], on_error: dead-letter }]
            admin: { listen: "127.0.0.1:\(port)" }
            """)
        defer { daemon.stop() }
        let base = "http://127.0.0.1:\(port)"
        func prices() -> [String] {
            (try? admin.query("SELECT CONCAT(id, ':', price) FROM \(replica).items ORDER BY id").rows.map { String(decoding: $0[0] ?? [], as: UTF8.self) }) ?? []
        }
        #expect(waitUntil(60) { prices() == ["1:1"] })
        try admin.execute("ALTER TABLE \(replica).items ADD CONSTRAINT positive CHECK (price >= 0)")
        try admin.execute("INSERT INTO \(source).items VALUES (2, -2), (3, -3), (4, 4)")
        #expect(waitUntil(60) { prices() == ["1:1", "4:4"] }, "\(prices())")
        let letters = try DeadLetterStore.list(target: target, on: admin)
        #expect(letters.map(\.keys) == [[["2"]], [["3"]]])
        guard letters.count == 2 else { return }
        #expect(waitUntil(20) { httpRequest(base + "/console/body").1.contains("data-letter=\"\(letters[1].id)\"") })

        // Discard the first: gone, nothing applied.
        let discard = httpRequest(base + "/dead-letters/\(target)/discard?ids=\(letters[0].id)", method: "POST")
        #expect(discard.0 == 202 && discard.1.contains("discarded 1"), "\(discard)")
        #expect(try DeadLetterStore.list(target: target, on: admin).map(\.id) == [letters[1].id])
        // Retry the other once the constraint is lifted: its row comes from the source.
        try admin.execute("ALTER TABLE \(replica).items DROP CONSTRAINT positive")
        let retry = httpRequest(base + "/dead-letters/\(target)/retry?ids=\(letters[1].id)", method: "POST")
        #expect(retry.0 == 202, "\(retry)")
        #expect(waitUntil(60) { prices() == ["1:1", "3:-3", "4:4"] }, "\(prices())")
        #expect(try DeadLetterStore.count(target: target, on: admin) == 0)
        #expect(httpRequest(base + "/dead-letters/\(target)/discard?ids=\(letters[1].id)", method: "POST").0 == 400)

        // Verify: the replica lacks row 2 (discarded), and the page says so with the time.
        let verify = httpRequest(base + "/verify/\(source).items?target=\(target)", method: "POST")
        #expect(verify.0 == 202 && verify.1.contains("1 only in source, 0 only in replica, 0 different"), "\(verify)")
        #expect(waitUntil(20) { httpRequest(base + "/console/body").1.contains("data-result=\"differs\">1 only in source") })
    }
}
