import Testing
@testable import TablemirrorEngine

/// The endpoint's token comparison and the admission of its resync and repair requests, as values.
struct AdminAccessTests {
    @Test func theTokenComparisonIsEqualityForEveryLength() {
        let token = "s3cret-token"
        #expect(BearerToken.matches(Array(token.utf8), Array(token.utf8)))
        #expect(BearerToken.matches([UInt8](), [UInt8]()))
        for other in ["", "s", "s3cret-toke", "s3cret-tokem", "S3cret-token", "s3cret-token-", "x3cret-token", "s3cret-tokenn"] {
            #expect(!BearerToken.matches(Array(other.utf8), Array(token.utf8)), "\(other)")
            #expect(!BearerToken.matches(Array(token.utf8), Array(other.utf8)) || other == token, "\(other)")
        }
        #expect(BearerToken.authorizes("Bearer \(token)", token: token))
        #expect(!BearerToken.authorizes("bearer \(token)", token: token))
        #expect(!BearerToken.authorizes("Bearer ", token: token))
        #expect(!BearerToken.authorizes(nil, token: token))
    }

    @Test func oneRequestPerTableAndTwoAtOnce() {
        var admission = AdminWorkAdmission(limit: 2)
        #expect(admission.begin("shop.items") == .admitted)
        #expect(admission.begin("shop.items") == .tableBusy)
        #expect(admission.begin("shop.orders") == .admitted)
        #expect(admission.begin("shop.stock") == .full)
        #expect(admission.begin("shop.orders") == .tableBusy)
        admission.end("shop.items")
        #expect(admission.begin("shop.stock") == .admitted)
        #expect(admission.begin("shop.items") == .full)
        admission.end("shop.orders")
        admission.end("shop.stock")
        #expect(admission.running.isEmpty)
        #expect(admission.begin("shop.items") == .admitted)
    }
}
