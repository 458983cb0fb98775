import ArgumentParser
import Foundation
import MariaDBClient
import TablemirrorEngine

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each target's position and lag, read from the targets' checkpoints and the source's binlog.",
        discussion: """
            Exit status: 0 every target within --max-lag, 1 one is not, 2 cannot tell. Usable as a monitoring probe.
            In a terminal the states are coloured (NO_COLOR turns that off); --watch redraws every SECONDS (default 2) \
            until Ctrl-C.
            """)

    @OptionGroup var options: OperatorOptions

    @Flag(help: "Print one JSON document.")
    var json = false

    @Option(help: "Lag, in seconds, above which a target counts as behind (exit status 1).")
    var maxLag: Double = 60

    @Flag(help: "Redraw the status every SECONDS (default 2) until Ctrl-C.")
    var watch = false

    // `--watch [SECONDS]`: ArgumentParser has no option with an optional value, so the seconds are the command's
    // one positional argument, accepted only after --watch (validate()).
    @Argument(help: ArgumentHelp("Seconds between redraws, with --watch.", valueName: "seconds"))
    var watchSeconds: Double?

    func validate() throws {
        if watchSeconds != nil && !watch { throw ValidationError("a number of seconds goes with --watch (--watch SECONDS)") }
        if let watchSeconds, !(watchSeconds >= 0.2 && watchSeconds <= 86_400) {
            throw ValidationError("--watch takes between 0.2 and 86400 seconds")
        }
    }

    func run() throws {
        let configuration: Configuration
        let connections: Replicator.Connections
        do {
            configuration = try ConfigurationLoader.load(path: options.config)
            connections = try Replicator.Connections(configuration)
        } catch {
            fail(error)
            throw ExitCode(2)
        }
        let read = { try StatusReport.read(configuration, connections: connections, maxLag: maxLag) }
        if watch {
            StatusWatch(interval: watchSeconds ?? 2, json: json).run(read)
            return
        }
        let report: StatusReport
        do {
            report = try read()
        } catch {
            fail(error)
            throw ExitCode(2)
        }
        if json { print(report.json()) } else { for line in report.text(colour: TerminalStyle.colourOnStandardOutput) { print(line) } }
        throw ExitCode(report.exitCode)
    }

    private func fail(_ error: any Error) {
        if json {
            print(#"{"error":\#(StatusReport.jsonString("\(error)")),"targets":[]}"#)
        } else {
            printError("tablemirror status: \(error)")
        }
    }
}
