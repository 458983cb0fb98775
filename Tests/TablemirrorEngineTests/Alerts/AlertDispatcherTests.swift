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
}
