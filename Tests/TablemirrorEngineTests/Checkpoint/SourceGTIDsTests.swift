import BinlogDecoding
import MariaDBClient
import Testing
@testable import TablemirrorEngine

/// The GTID state a checkpoint records, advanced transaction by transaction as the reader meets them.
struct SourceGTIDsTests {
    private let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562"

    @Test func aMySQLSetTakesEachTransactionAndKeepsItsHistory() throws {
        var state = try #require(SourceGTIDs("\(uuid):1-57,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1-3", flavor: .mysql8_0))
        for number in 58...60 { state = try #require(state.advanced(by: "\(uuid):\(number)")) }
        #expect(state.description == "\(uuid):1-60,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1-3")
        // A transaction of another origin, out of order, and a tagged one (8.3+).
        state = try #require(state.advanced(by: "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee:7"))
        state = try #require(state.advanced(by: "\(uuid):nightly:2"))
        #expect(state == SourceGTIDs("\(uuid):1-60:nightly:2,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1-3,bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee:7", flavor: .mysql8_4))
        #expect(state.advanced(by: "0-1-5") == nil)
        #expect(state.advanced(by: "\(uuid):1-3") == nil)
    }

    @Test func aMariaDBPositionReplacesItsDomainsLastTransaction() throws {
        let state = try #require(SourceGTIDs("0-1-5,1-2-7", flavor: .mariaDB))
        #expect(state.advanced(by: "1-3-8")?.description == "0-1-5,1-3-8")
        #expect(state.advanced(by: "\(uuid):3") == nil)
        #expect(SourceGTIDs("\(uuid):3", flavor: .mariaDB) == nil)
        #expect(SourceGTIDs("", flavor: .mysql8_4) == .mysql(.empty))
    }
}
