#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Dispatch
import Logging
import TablemirrorEngine

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replicate the mapped tables into the targets until stopped (SIGINT or SIGTERM).")

    @Option(help: "The configuration file.")
    var config: String

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "tablemirror")
        let stop = StopSignal()
        // Signals only set the stop flag; the replicator then rolls back any open target transaction and returns.
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.stop() }
            source.resume()
            sources.append(source)
        }
        do {
            let configuration = try ConfigurationLoader.load(path: config)
            let replicator = Replicator(configuration: configuration, connections: try Replicator.Connections(configuration))
            logger.info("replicating \(configuration.mappings.count) mappings to \(configuration.targets.count) targets")
            try replicator.run(until: stop)
            logger.info("stopped")
        } catch {
            logger.error("\(error)")
            throw ExitCode.failure
        }
        _ = sources
    }
}
