import Foundation

/// Whether output may carry ANSI escapes: only to a terminal, and not when the user asked for none
/// (NO_COLOR set to anything, https://no-color.org) or the terminal cannot show them (TERM=dumb). Piped
/// output stays plain, so scripts and tests read the same text as before.
enum TerminalStyle {
    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    static var colourOnStandardOutput: Bool {
        colour(isTerminal: isTerminal, environment: ProcessInfo.processInfo.environment)
    }

    static func colour(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }
}
