import Foundation

/// A headless chromium for tests of the console, driven by scripts/lib/browser.py over the DevTools protocol: one
/// browser (one page, its cookies) for the driver's life. Each call sends one JSON command line to the script and
/// blocks for its one-line answer; the script applies its own timeouts, so an answer always comes unless it died.
final class BrowserDriver {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let chromium = "/usr/bin/chromium"

    /// Debian's chromium (scripts/test.sh installs it) and a Python 3 for the driver script.
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: chromium) && python != nil
    }

    private static var python: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static var script: String {
        // Tests/TablemirrorEngineTests/Support/BrowserDriver.swift → repository root.
        let root = "/" + #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
        return "\(root)/scripts/lib/browser.py"
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var pending = Data()

    /// Starts the browser; chromium's own output goes to `log`.
    init(log: String) throws {
        guard let python = Self.python else { throw Failure(description: "no python3 for \(Self.script)") }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script, "--chromium", Self.chromium, "--log", log]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        _ = try answer()  // "ready" once the page exists
    }

    deinit { quit() }

    /// Navigates and waits for the page's load event; returns the URL it ended on (after redirects).
    @discardableResult
    func open(_ url: String, timeout: Double = 30) throws -> String {
        try send(["op": "open", "url": url, "timeout": timeout]) as? String ?? ""
    }

    /// A JavaScript expression's value (promises awaited), as JSONSerialization gives it.
    func evaluate(_ javaScript: String) throws -> Any? {
        try send(["op": "eval", "js": javaScript])
    }

    /// Waits until `javaScript` is truthy, evaluating it every 0.2 s; its value, or throws with the last one.
    @discardableResult
    func wait(_ javaScript: String, timeout: Double) throws -> Any? {
        try send(["op": "wait", "js": javaScript, "timeout": timeout])
    }

    /// A real mouse click at the element's centre: what is drawn over it (a modal dialog) gets the click instead.
    func click(_ selector: String) throws {
        _ = try send(["op": "click", "selector": selector])
    }

    func type(_ selector: String, _ text: String) throws {
        _ = try send(["op": "type", "selector": selector, "text": text])
    }

    func screenshot(_ path: String) throws {
        _ = try send(["op": "screenshot", "path": path])
    }

    func clearCookies() throws {
        _ = try send(["op": "clear_cookies"])
    }

    /// Closes the browser and waits for the script to end.
    func quit() {
        guard process.isRunning else { return }
        _ = try? send(["op": "quit"])
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func send(_ command: [String: Any]) throws -> Any? {
        guard process.isRunning else { throw Failure(description: "the browser driver has ended") }
        var line = try JSONSerialization.data(withJSONObject: command)
        line.append(UInt8(ascii: "\n"))
        try input.fileHandleForWriting.write(contentsOf: line)
        return try answer()
    }

    private func answer() throws -> Any? {
        while !pending.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw Failure(description: "the browser driver ended without an answer") }
            pending.append(chunk)
        }
        let end = pending.firstIndex(of: UInt8(ascii: "\n")) ?? pending.endIndex
        let line = pending[pending.startIndex..<end]
        pending = Data(pending[pending.index(after: end)...])
        guard let reply = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw Failure(description: "not an answer: \(String(decoding: line, as: UTF8.self))")
        }
        guard reply["ok"] as? Bool == true else { throw Failure(description: reply["error"] as? String ?? "failed") }
        return reply["value"] is NSNull ? nil : reply["value"]
    }
}
