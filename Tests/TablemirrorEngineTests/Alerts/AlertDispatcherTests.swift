import Foundation
import Testing
@testable import TablemirrorEngine

struct AlertDispatcherTests {
    @Test func aCommandGetsTheAlertInItsEnvironmentAndOnStdin() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tm-alert-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let dispatcher = AlertDispatcher(channels: [.command("{ echo \"$TM_ALERT_STATE $TM_ALERT_KIND $TM_ALERT_TARGET\"; cat; } > '\(output.path)'")])
        let alert = Alert(key: "lag:orders", kind: "lag", target: "orders", state: .firing, message: "orders is 90 s behind",
                          since: 1_000, at: 1_030)
        dispatcher.send(alert)
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "firing lag orders")
        let document = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        #expect(document?["key"] as? String == "lag:orders")
        #expect(document?["message"] as? String == "orders is 90 s behind")
    }

    /// The daemon's environment holds the database passwords (`password_env`): the command sees none of it.
    @Test func aCommandGetsNothingOfTheDaemonsEnvironment() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tm-alert-env-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        setenv("TM_TEST_SECRET_PASSWORD", "hunter2-secret", 1)
        defer { unsetenv("TM_TEST_SECRET_PASSWORD") }
        let dispatcher = AlertDispatcher(channels: [.command("env > '\(output.path)'")])
        dispatcher.send(Alert(key: "lag:orders", kind: "lag", target: "orders", state: .firing, message: "m", since: 1, at: 2))
        let names = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").compactMap { $0.split(separator: "=").first.map(String.init) }
        #expect(!names.isEmpty)
        // /bin/sh adds PWD, SHLVL and `_` of its own; nothing else beyond PATH and the alert.
        #expect(names.filter { !["PATH", "PWD", "SHLVL", "_"].contains($0) && !$0.hasPrefix("TM_ALERT_") } == [])
        #expect(try !String(contentsOf: output, encoding: .utf8).contains("hunter2-secret"))
    }
}
