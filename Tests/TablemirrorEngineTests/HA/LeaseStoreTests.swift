import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The fence alone, on a live server: it passes for the lease's holder at its epoch and fails every commit of a
/// holder whose lease was taken, as the error the supervisor recognises.
@Suite("Lease fence, live", .serialized, .enabled(if: TestServer.isConfigured))
struct LeaseStoreTests {
    @Test func theFenceFailsTheCommitOfAFormerHolderOnly() throws {
        let target = "fence_\(UInt32.random(in: 0..<UInt32.max))"
        let connection = try TestServer.connect()
        try ControlSchema.ensure(connection)
        try connection.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'")
        defer { _ = try? connection.execute("DELETE FROM \(LeaseStore.lease) WHERE target = '\(target)'; DELETE FROM \(LeaseStore.fence) WHERE target = '\(target)'") }
        try connection.execute(LeaseStore.acquireStatement(target: target, holder: "a", epoch: 1, leaseSeconds: 5))
        try connection.execute("BEGIN; \(LeaseStore.fenceStatement(target: target, holder: "a", epoch: 1)); COMMIT")
        try connection.execute(LeaseStore.acquireStatement(target: target, holder: "b", epoch: 2, leaseSeconds: 5))
        let error = #expect(throws: MariaDBError.self) {
            try connection.execute("BEGIN; \(LeaseStore.fenceStatement(target: target, holder: "a", epoch: 1))")
        }
        _ = try? connection.execute("ROLLBACK")
        #expect(error.map { LeaseStore.isFenced($0) } == true, "\(String(describing: error))")
        try connection.execute("BEGIN; \(LeaseStore.fenceStatement(target: target, holder: "b", epoch: 2)); COMMIT")
    }
}
