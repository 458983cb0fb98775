import BinlogDecoding
import Foundation
import MariaDBClient

/// The daemon's core: one reader of the source's binlog and one applier per target, each on its own thread,
/// with a bounded queue between them (a slow target slows the reader; memory stays flat). Positions live
/// only in the targets: on start the reader goes back to the oldest checkpoint and each applier skips what
/// it already has.
public final class Replicator: Sendable {
    public struct Connections: Sendable {
        public var source: ConnectionOptions
        public var targets: [String: ConnectionOptions]

        public init(source: ConnectionOptions, targets: [String: ConnectionOptions]) {
            self.source = source
            self.targets = targets
        }
    }

    public let configuration: Configuration
    public let connections: Connections

    public init(configuration: Configuration, connections: Connections) {
        self.configuration = configuration
        self.connections = connections
    }

    /// Replicates until `stop` is signalled (or an error ends it). The open target transactions are rolled back
    /// on the way out, so nothing is left half-applied.
    public func run(until stop: StopSignal) throws {
        let schema = try MariaDBConnection(connections.source)
        let plan = try ReplicationPlan.resolve(configuration, source: schema)
        var appliers: [TargetApplier] = []
        for targetPlan in plan.targets {
            guard let options = connections.targets[targetPlan.target.name] else {
                throw EngineError.invalidArgument("no connection for target \(targetPlan.target.name)")
            }
            let applier = try TargetApplier(plan: targetPlan, options: options)
            try applier.prepare { try MariaDBConnection(connections.source) }
            appliers.append(applier)
        }
        guard let start = appliers.compactMap({ $0.checkpoint?.position })
            .min(by: { $0.isBefore($1) }) else { throw EngineError.invalidArgument("no targets to replicate to") }

        let lanes = appliers.map { ApplierLane(applier: $0) }
        defer { for lane in lanes { lane.finish() } }
        let source = try RemoteEventSource(connections.source, request: BinlogStreamRequest(
            start: .position(file: start.file, offset: start.offset), serverID: configuration.source.serverID,
            heartbeatSeconds: 1))
        let interrupter = source.stream.interrupter
        stop.onStop { interrupter.interrupt() }
        let router = ChangeRouter(lanes: lanes)
        do {
            try DecodeSession(schemaConnection: schema).run(source) { change in
                if stop.isStopped { throw StopRequested() }
                try router.route(change)
            }
        } catch is StopRequested {
        } catch where stop.isStopped {
            // The interrupted read fails; that is how a stop ends a blocked reader.
        }
        for lane in lanes { lane.finish() }
        for lane in lanes {
            if let error = lane.waitUntilDone() { throw error }
        }
    }
}

private struct StopRequested: Error {}

/// Sends each target the parts of each source transaction that concern it.
private final class ChangeRouter {
    let lanes: [ApplierLane]
    private var pending: [[RowChangeMessage]]
    private var begun: [Bool]
    private var start: TransactionStart?

    init(lanes: [ApplierLane]) {
        self.lanes = lanes
        pending = Array(repeating: [], count: lanes.count)
        begun = Array(repeating: false, count: lanes.count)
    }

    func route(_ change: Change) throws {
        switch change {
        case let .begin(transaction):
            start = transaction
        case let .row(row):
            let table = QualifiedTableName(database: row.database, table: row.table)
            for index in lanes.indices where lanes[index].routes(table) {
                if !begun[index], let start {
                    try lanes[index].send(.begin(start))
                    begun[index] = true
                }
                pending[index].append(row)
                if pending[index].count >= 512 { try flush(index) }
            }
        case let .commit(commit):
            for index in lanes.indices where begun[index] {
                try flush(index)
                try lanes[index].send(.commit(commit))
                begun[index] = false
            }
            start = nil
        case .ddl:
            break  // Schema changes are issue 5: replicas keep today's structure.
        }
    }

    private func flush(_ index: Int) throws {
        guard !pending[index].isEmpty else { return }
        try lanes[index].send(.rows(pending[index]))
        pending[index].removeAll(keepingCapacity: true)
    }
}

/// One target's applier on its own thread, fed through a bounded queue.
private final class ApplierLane: @unchecked Sendable {
    private let applier: TargetApplier
    private let queue = BoundedQueue<ApplyItem>(capacity: 64)
    private let done = NSCondition()
    private var finished = false
    private var failure: (any Error)?

    init(applier: TargetApplier) {
        self.applier = applier
        let thread = Thread { [self] in self.loop() }
        thread.name = "tablemirror-apply-\(applier.name)"
        thread.start()
    }

    func routes(_ table: QualifiedTableName) -> Bool { applier.plan.routes[table] != nil }

    func send(_ item: ApplyItem) throws {
        if !queue.put(item) {
            throw EngineError.invalidArgument("target \(applier.name) stopped: \(failureDescription())")
        }
    }

    func finish() { queue.finish() }

    func waitUntilDone() -> (any Error)? {
        done.lock()
        defer { done.unlock() }
        while !finished { done.wait() }
        return failure
    }

    private func failureDescription() -> String {
        done.lock()
        defer { done.unlock() }
        return failure.map { "\($0)" } ?? "finished"
    }

    private func loop() {
        var error: (any Error)?
        do {
            while let item = try queue.take() { try applier.handle(item) }
        } catch let caught {
            error = caught
            queue.finish()
        }
        applier.abandon()
        done.lock()
        finished = true
        failure = error
        done.broadcast()
        done.unlock()
    }
}
