import BinlogDecoding
import Testing
@testable import TablemirrorEngine

/// The GTID state a checkpoint records, advanced transaction by transaction as the reader meets them.
struct SourceGTIDsTests {
    private let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562"

    private func mysql(_ text: String) throws -> SourceGTIDs {
        .mysql(try #require(MySQLGTIDSet(text: text)))
    }

    @Test func aMySQLSetTakesEachTransactionAndKeepsItsHistory() throws {
        var state = try mysql("\(uuid):1-57,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1-3")
        for number in 58...60 { state = try #require(state.advanced(by: "\(uuid):\(number)")) }
        #expect(state.description == "\(uuid):1-60,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1-3")
        // A transaction of another origin, out of order, and a tagged one (8.3+).
        state = try #require(state.advanced(by: "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee:7"))
        state = try #require(state.advanced(by: "\(uuid):Nightly:2"))
        #expect(state == (try mysql("\(uuid):1-60:nightly:2,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1-3,bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee:7")))
        // Not one GTID: a MariaDB one, a range, a bad tag, no number.
        for other in ["0-1-5", "\(uuid):1-3", "\(uuid):9x:2", "\(uuid)", "\(uuid):0", "\(uuid):a:b:3"] {
            #expect(state.advanced(by: other) == nil, "\(other)")
        }
    }

    @Test func aMariaDBPositionReplacesItsDomainsLastTransaction() throws {
        let state = SourceGTIDs.mariaDB(try #require(MariaDBGTIDPosition("0-1-5,1-2-7")))
        #expect(state.advanced(by: "1-3-8")?.description == "0-1-5,1-3-8")
        #expect(state.advanced(by: "\(uuid):3") == nil)
    }
}
