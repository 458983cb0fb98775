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

    /// A command that does not read its input (here it closes it, while the alert is larger than a pipe holds)
    /// leaves the daemon a broken pipe: the alert is still sent, and the daemon lives on.
    @Test func aCommandThatIgnoresItsInputDoesNotCrashTheDaemon() {
        let dispatcher = AlertDispatcher(channels: [.command("exec 0<&-; sleep 0.2")])
        let message = String(repeating: "x", count: 100_000)  // past a pipe's 64 KiB, under the 128 KiB an environment string may hold
        dispatcher.send(Alert(key: "lag:orders", kind: "lag", target: "orders", state: .firing, message: message, since: 1, at: 2))
    }

    /// Nor any of its open descriptors (database sockets, the admin listener), even those a library opened without
    /// close-on-exec: Foundation's `Process` closes them in the child (it keeps one socket of its own there, to
    /// learn when the child ends). Checked here because tablemirror relies on it.
    @Test func aCommandInheritsNoOpenDescriptor() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tm-alert-fd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let file = Glibc.open("/dev/null", O_RDONLY)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer {
            close(file)
            close(socket)
        }
        let dispatcher = AlertDispatcher(channels: [.command("ls /proc/self/fd > '\(output.path)'")])
        dispatcher.send(Alert(key: "lag:orders", kind: "lag", target: "orders", state: .firing, message: "m", since: 1, at: 2))
        let descriptors = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(file > 2 && socket > 2)
        #expect(!descriptors.contains(file) && !descriptors.contains(socket), "\(descriptors)")
    }
}
