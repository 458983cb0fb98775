import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// Sends notifications to the configured channels. A channel that fails is logged and does not hold up the
/// others; alerts carry no secrets (error texts name servers as user@host:port, never a password).
public struct AlertDispatcher: Sendable {
    public let channels: [Configuration.Alerts.Channel]
    let logger: Logger
    /// A webhook or command gets this long.
    static let timeoutSeconds = 10.0

    public init(channels: [Configuration.Alerts.Channel], logger: Logger = Logger(label: "tablemirror.alerts")) {
        self.channels = channels
        self.logger = logger
        // A command that exits without reading its input leaves a broken pipe: the write must fail with EPIPE,
        // not kill the daemon with SIGPIPE.
        if channels.contains(where: { if case .command = $0 { true } else { false } }) { signal(SIGPIPE, SIG_IGN) }
    }

    public func send(_ alert: Alert) {
        for channel in channels {
            switch channel {
            case .log:
                let text = "alert \(alert.state.rawValue) [\(alert.key)]: \(alert.message)"
                if alert.state == .firing { logger.error("\(text)") } else { logger.notice("\(text)") }
            case let .webhook(url):
                if let problem = post(alert, to: url) {
                    logger.warning("alert webhook \(Configuration.Alerts.Channel.redacted(url)): \(problem)")
                }
            case let .command(command):
                if let problem = run(command, with: alert) { logger.warning("alert command: \(problem)") }
            }
        }
    }

    private func post(_ alert: Alert, to url: String) -> String? {
        guard let address = URL(string: url) else { return "not a URL" }
        var request = URLRequest(url: address, timeoutInterval: Self.timeoutSeconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(alert.json.utf8)
        let outcome = BlockingHTTP.send(request)
        if let status = outcome.status { return (200..<300).contains(status) ? nil : "HTTP \(status)" }
        return outcome.error ?? "no answer"
    }

    /// The alert command's whole environment: PATH and the alert, nothing else of the daemon's — which holds the
    /// database passwords (`password_env`) and the admin token.
    static func commandEnvironment(for alert: Alert, path: String?) -> [String: String] {
        [
            "PATH": path ?? "/usr/local/bin:/usr/bin:/bin",
            "TM_ALERT_KEY": alert.key,
            "TM_ALERT_KIND": alert.kind,
            "TM_ALERT_STATE": alert.state.rawValue,
            "TM_ALERT_TARGET": alert.target ?? "",
            "TM_ALERT_MESSAGE": alert.message,
        ]
    }

    private func run(_ command: String, with alert: Alert) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = Self.commandEnvironment(for: alert, path: ProcessInfo.processInfo.environment["PATH"])
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
        } catch {
            return "cannot run: \(error)"
        }
        // The throwing write: a command that exits without reading its input (`env > file`) leaves a broken pipe,
        // which the non-throwing `write(_:)` turns into a crash of the daemon.
        try? input.fileHandleForWriting.write(contentsOf: Data((alert.json + "\n").utf8))
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(Self.timeoutSeconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            return "still running after \(Int(Self.timeoutSeconds)) s; stopped"
        }
        return process.terminationStatus == 0 ? nil : "exited with status \(process.terminationStatus)"
    }
}
