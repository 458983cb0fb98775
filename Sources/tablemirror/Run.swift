import ArgumentParser
import Logging
import ServiceLifecycle
import TablemirrorEngine

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replicate the mapped tables into the targets until stopped (SIGINT or SIGTERM).")

    @Option(help: "The configuration file.")
    var config: String

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        MemoryBudget.returnLargeBuffersToTheSystem()
        let logger = Logger(label: "tablemirror")
        do {
            let configuration = try ConfigurationLoader.load(path: config)
            let replicator = Replicator(configuration: configuration, connections: try Replicator.Connections(configuration))
            logger.info("replicating \(configuration.mappings.count) mappings to \(configuration.targets.count) targets")
            let service = ReplicatorService(replicator: replicator)
            // SIGTERM and SIGINT shut the group down gracefully: the replicator rolls back any open target
            // transaction and returns, then the admin endpoint closes.
            if let host = configuration.admin.host {
                logger.info("admin endpoint on \(host):\(configuration.admin.port)")
                let application = try AdminServer.application(replicator: replicator, services: [service], logger: logger)
                try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            } else {
                let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
                try await group.run()
            }
            logger.info("stopped")
        } catch {
            logger.error("\(error)")
            throw ExitCode.failure
        }
    }
}
