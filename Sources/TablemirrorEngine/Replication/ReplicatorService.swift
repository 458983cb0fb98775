import Foundation
import ServiceLifecycle

/// The replicator as a service of the daemon's service group: it runs on its own threads, and the group's
/// graceful shutdown (SIGTERM, SIGINT) stops it — open target transactions rolled back, never half-applied.
public struct ReplicatorService: Service {
    let replicator: Replicator

    public init(replicator: Replicator) {
        self.replicator = replicator
    }

    public func run() async throws {
        let stop = StopSignal()
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await onDedicatedThread { try replicator.run(until: stop) }
            } onGracefulShutdown: {
                stop.stop()
            }
        } onCancel: {
            stop.stop()
        }
    }
}
