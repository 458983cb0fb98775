import ArgumentParser
import Foundation
import MariaDBClient
import TablemirrorEngine

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each target's position and lag, read from the targets' checkpoints and the source's binlog.",
        discussion: "Exit status: 0 every target within --max-lag, 1 one is not, 2 cannot tell. Usable as a monitoring probe.")

    @OptionGroup var options: OperatorOptions

    @Flag(help: "Print one JSON document.")
    var json = false

    @Option(help: "Lag, in seconds, above which a target counts as behind (exit status 1).")
    var maxLag: Double = 60

    func run() throws {
        let report: StatusReport
        do {
            let configuration = try ConfigurationLoader.load(path: options.config)
            report = try StatusReport.read(configuration, connections: try Replicator.Connections(configuration), maxLag: maxLag)
        } catch {
            if json {
                print(#"{"error":\#(StatusReport.jsonString("\(error)")),"targets":[]}"#)
            } else {
                printError("tablemirror status: \(error)")
            }
            throw ExitCode(2)
        }
        if json { print(report.json()) } else { for line in report.text() { print(line) } }
        throw ExitCode(report.exitCode)
    }
}
