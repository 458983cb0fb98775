import BinlogDecoding
import Testing
@testable import TablemirrorEngine

struct SourceHeadTests {
    @Test func mySQLVersionsCompareByTheirNumbers() {
        #expect(ServerVersion("8.4.3").isAtLeast(8, 2))
        #expect(ServerVersion("8.2.0-commercial").isAtLeast(8, 2))
        #expect(!ServerVersion("8.0.40-0ubuntu0.22.04.1").isAtLeast(8, 2))
        #expect(ServerVersion("9.1.0").isAtLeast(8, 2))
        #expect(!ServerVersion("").isAtLeast(8, 2))
    }
}
