import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The operator commands as operators run them — the `tablemirror` binary beside a running daemon: status,
/// verify (with --json and its exit status), resync, dead-letters list.
@Suite("Operator commands", .serialized, .enabled(if: TestServer.isConfigured && DaemonProcess.isBuilt))
struct OperatorCommandsTests {
    let fixture = BigTableFixture(prefix: "cli")

    private func tablemirror(_ arguments: [String]) throws -> (Int32, String) { try DaemonProcess.command(arguments) }

    @Test func statusVerifyResyncAndDeadLettersFromTheCommandLine() throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        let port = adminTestPort(fixture.id)
        let yaml = fixture.yaml(["small", "big"], extra: "admin: { listen: \"127.0.0.1:\(port)\" }")
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("tm-cli-\(fixture.id).yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let daemon = try DaemonProcess(yaml: yaml)
        defer { daemon.stop() }
        #expect(waitUntil(60) { fixture.identical(admin, "big") })

        let (statusExit, statusJSON) = try tablemirror(["status", "--config", config.path, "--json", "--max-lag", "60"])
        #expect(statusExit == 0, "\(statusJSON)")
        let status = try JSONSerialization.jsonObject(with: Data(statusJSON.utf8)) as? [String: Any]
        #expect(status?["daemon_running"] as? Bool == true)

        let (cleanExit, _) = try tablemirror(["verify", "--config", config.path, "\(fixture.source).big"])
        #expect(cleanExit == 0)
        try admin.execute("DELETE FROM \(fixture.target).big WHERE id IN (3, 6); UPDATE \(fixture.target).big SET amount = -1 WHERE id = 9")
        let (driftExit, driftJSON) = try tablemirror(["verify", "--config", config.path, "--json", "\(fixture.source).big"])
        #expect(driftExit == 1)
        let drift = (try JSONSerialization.jsonObject(with: Data(driftJSON.utf8)) as? [String: Any])?["tables"] as? [[String: Any]]
        #expect(drift?.first?["only_in_source"] as? [[String: String]] == [["id": "3"], ["id": "6"]])
        #expect(drift?.first?["different"] as? [[String: String]] == [["id": "9"]])

        let (resyncExit, resyncOutput) = try tablemirror(["resync", "--config", config.path, "\(fixture.source).big"])
        #expect(resyncExit == 0, "\(resyncOutput)")
        #expect(resyncOutput.contains("identical"))
        #expect(fixture.identical(admin, "big"))

        let (lettersExit, letters) = try tablemirror(["dead-letters", "list", "--config", config.path])
        #expect(lettersExit == 0)
        #expect(letters.contains("no dead letters"))
    }
}
