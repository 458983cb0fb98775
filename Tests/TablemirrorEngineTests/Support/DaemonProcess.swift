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
    /// Output goes to `output`, or where TM_TEST_DAEMON_LOG names (appended; for reading a failed test's daemon).
    init(yaml: String, environment extra: [String: String] = [:], output: FileHandle? = nil) throws {
        configFile = FileManager.default.temporaryDirectory.appendingPathComponent("tm-daemon-\(UUID().uuidString).yaml")
        try yaml.write(to: configFile, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--config", configFile.path]
        var environment = ProcessInfo.processInfo.environment
        environment["TM_TEST_PASSWORD"] = TestServer.options().password
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let sink = output ?? Self.logFile() ?? FileHandle.nullDevice
        process.standardOutput = sink
        process.standardError = sink
        try process.run()
    }

    private static func logFile() -> FileHandle? {
        guard let path = ProcessInfo.processInfo.environment["TM_TEST_DAEMON_LOG"] else { return nil }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
        return handle
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

    /// Runs `tablemirror ARGS` (an operator command) to its end, with `extra` added to its environment; returns its
    /// exit status and standard output (and standard error, `withErrors`).
    static func command(_ arguments: [String], withErrors: Bool = false, environment extra: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TM_TEST_PASSWORD"] = TestServer.options().password
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = withErrors ? output : FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Writes `yaml` to a temporary file for operator commands; returns its path.
    static func configFile(_ yaml: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tm-config-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A blocking HTTP or HTTPS request for tests, through the operator commands' client: (status, body); status 0
/// when nothing answered (the error is then the body).
func httpRequest(_ url: String, method: String = "GET", token: String? = nil, caFile: String? = nil, timeout: Double = 10) -> (Int, String) {
    do {
        let response = try AdminHTTPClient.send(url, method: method, token: token, caFile: caFile, timeout: timeout)
        return (response.status, String(decoding: response.body, as: UTF8.self))
    } catch {
        return (0, "\(error)")
    }
}
