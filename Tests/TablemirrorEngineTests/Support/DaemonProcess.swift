import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
@testable import TablemirrorEngine

/// `tablemirror run` as its own process, the way operators run it (its own threads and cooperative pool,
/// signals), for tests of the daemon as a whole.
final class DaemonProcess {
    static var binary: String {
        let root = "/" + #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
        return "\(root)/.build/debug/tablemirror"
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let process = Process()
    private let configFile: URL

    /// Writes `yaml` to a temporary file and starts the daemon on it.
    init(yaml: String, environment extra: [String: String] = [:], output: FileHandle? = FileHandle.nullDevice) throws {
        configFile = FileManager.default.temporaryDirectory.appendingPathComponent("tm-daemon-\(UUID().uuidString).yaml")
        try yaml.write(to: configFile, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--config", configFile.path]
        var environment = ProcessInfo.processInfo.environment
        environment["TM_TEST_PASSWORD"] = TestServer.options().password
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: configFile)
    }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A blocking HTTP request for tests: (status, body); status 0 when nothing answered.
func httpRequest(_ url: String, method: String = "GET", token: String? = nil, timeout: Double = 10) -> (Int, String) {
    guard let address = URL(string: url) else { return (0, "") }
    var request = URLRequest(url: address, timeoutInterval: timeout)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    let outcome = BlockingHTTP.send(request)
    return (outcome.status ?? 0, String(decoding: outcome.body, as: UTF8.self))
}
