import BinlogDecoding
import Testing
@testable import TablemirrorEngine

/// Whether a MySQL server can continue a target from the executed GTID set in its checkpoint (auto-position):
/// values as `@@gtid_executed`/`@@gtid_purged` print them. No MySQL server runs here.
struct CheckpointOnSourceTests {
    private let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562"
    private let place = BinlogPosition(file: "binlog.000007", offset: 1234)

    private func set(_ text: String) throws -> MySQLGTIDSet { try #require(MySQLGTIDSet(text: text)) }

    @Test func aServerWithEverythingContinuesFromTheSet() throws {
        let located = try CheckpointOnSource.mysqlStart(place, recorded: try set("\(uuid):1-57"), executed: try set("\(uuid):1-90"),
                                                        purged: try set("\(uuid):1-20"), server: "s")
        #expect(located.streamStart == .mysqlGTIDSet("\(uuid):1-57"))
        #expect(located.position == place && !located.isRelocated)
        #expect(located.gtids == .mysql(try set("\(uuid):1-57")))
    }

    @Test func aServerLackingAppliedTransactionsIsRefused() throws {
        #expect(throws: CheckpointNotOnSource.self) {
            try CheckpointOnSource.mysqlStart(place, recorded: try set("\(uuid):1-57,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1"),
                                              executed: try set("\(uuid):1-90"), purged: .empty, server: "s")
        }
        do {
            _ = try CheckpointOnSource.mysqlStart(place, recorded: try set("\(uuid):1-57"), executed: try set("\(uuid):1-50"), purged: .empty, server: "s")
        } catch {
            #expect("\(error)".contains("lacks transactions this target has applied: \(uuid):51-57"))
        }
    }

    @Test func aServerThatPurgedWhatTheTargetStillNeedsIsRefused() throws {
        do {
            _ = try CheckpointOnSource.mysqlStart(place, recorded: try set("\(uuid):1-57"), executed: try set("\(uuid):1-90"),
                                                  purged: try set("\(uuid):1-60"), server: "s")
            Issue.record("accepted a server that purged 58-60")
        } catch {
            #expect("\(error)".contains("purged transactions this target has not applied yet: \(uuid):58-60"))
        }
    }

    @Test func aPositionStartIsByFileAndOffset() {
        #expect(CheckpointOnSource(position: place, gtids: nil).streamStart == .position(file: "binlog.000007", offset: 1234))
    }
}
