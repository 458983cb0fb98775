import Dispatch
import Foundation
import TablemirrorEngine

/// `tablemirror status --watch`: reads and prints the status every `interval` seconds until Ctrl-C. In a
/// terminal each round clears the screen and homes the cursor first (and the cursor is hidden meanwhile, so
/// the redraw does not flicker); piped, rounds follow each other separated by a blank line, without escapes.
/// SIGINT wakes the wait at once; the terminal is put back (cursor shown, attributes reset) before exiting.
/// A second Ctrl-C during a slow round (a server not answering) ends the process the default way.
struct StatusWatch {
    var interval: Double
    var json: Bool

    func run(_ read: () throws -> StatusReport) {
        let terminal = TerminalStyle.isTerminal && !json
        let colour = TerminalStyle.colourOnStandardOutput && !json
        let interrupted = DispatchSemaphore(value: 0)
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            signal(SIGINT, SIG_DFL)
            interrupted.signal()
        }
        source.resume()
        defer { source.cancel() }
        if terminal { _ = write("\u{1B}[?25l") }
        var first = true
        while true {
            var lines: [String]
            do {
                let report = try read()
                lines = json ? [report.json()] : report.text(colour: colour)
            } catch {
                lines = json ? [#"{"error":\#(StatusReport.jsonString("\(error)")),"targets":[]}"#]
                    : [StatusTable.printable("tablemirror status: \(error)")]
            }
            if !json { lines.append(""); lines.append("every \(Self.seconds(interval)) s, \(Self.clock()); Ctrl-C ends") }
            let prefix = terminal ? "\u{1B}[H\u{1B}[2J" : (first || json ? "" : "\n")
            // A reader that went away (`| head`) ends the watch: libmariadb ignores SIGPIPE, so the write fails instead.
            guard write(prefix + lines.joined(separator: "\n") + "\n") else { break }
            first = false
            if interrupted.wait(timeout: .now() + interval) == .success { break }
        }
        if terminal { _ = write("\u{1B}[0m\u{1B}[?25h") }
    }

    /// One write per round, so a terminal never shows half a redraw.
    /// False when standard output is gone.
    private func write(_ text: String) -> Bool {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
            return true
        } catch {
            return false
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    private static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }
}
