import Testing
@testable import TablemirrorEngine

struct MariaDBGTIDPositionTests {
    @Test func aPositionReadsAndWritesAsMariaDBDoesInDomainOrder() throws {
        let position = try #require(MariaDBGTIDPosition("1-20-7, 0-10-15"))
        #expect(position.description == "0-10-15,1-20-7")
        #expect(try #require(MariaDBGTIDPosition("")).isEmpty)
        for bad in ["0-1", "0-1-2-3", "a-1-2", "0-1-2,0-3-4", "3E11B1C2-84A1-11EF-A0E8-0242AC110002:1-5", "-1-2"] {
            #expect(MariaDBGTIDPosition(bad) == nil, "\(bad)")
        }
    }

    @Test func aTransactionMovesOnlyItsOwnDomain() throws {
        let position = try #require(MariaDBGTIDPosition("0-10-15,1-20-7"))
        let next = position.advanced(by: try #require(.init("1-30-8")))
        #expect(next.description == "0-10-15,1-30-8")
        #expect(position.advanced(by: try #require(.init("2-10-1"))).description == "0-10-15,1-20-7,2-10-1")
    }

    @Test func agreementIsTheSameLastTransactionInEveryDomainOfTheCheckpoint() throws {
        let checkpoint = try #require(MariaDBGTIDPosition("0-10-15"))
        #expect(checkpoint.agrees(with: try #require(MariaDBGTIDPosition("0-10-15,1-20-7"))))
        #expect(!checkpoint.agrees(with: try #require(MariaDBGTIDPosition("0-10-16"))))
        // The same sequence number from another server is another transaction.
        #expect(!checkpoint.agrees(with: try #require(MariaDBGTIDPosition("0-11-15"))))
        #expect(!checkpoint.agrees(with: try #require(MariaDBGTIDPosition("1-20-7"))))
    }

    @Test func aServerStateLacksWhatNoneOfItsBinlogsReachedForThatServer() throws {
        // A promoted replica: it logged the old primary's (10) transactions up to 15, then its own (20).
        let state = try #require(MariaDBGTIDState("0-10-15,0-20-31,1-10-4"))
        #expect(state.missing(from: try #require(MariaDBGTIDPosition("0-20-31,1-10-4"))).isEmpty)
        #expect(state.missing(from: try #require(MariaDBGTIDPosition("0-10-15"))).isEmpty)
        #expect(state.missing(from: try #require(MariaDBGTIDPosition("0-10-17,1-10-4"))).map(\.description) == ["0-10-17"])
        #expect(state.missing(from: try #require(MariaDBGTIDPosition("0-20-31,2-10-1"))).map(\.description) == ["2-10-1"])
        #expect(MariaDBGTIDState("0-1-x") == nil)
    }
}
