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
    }

    @Test func theAdminTokenActsTheReadTokenReadsNoTokenNothing() {
        let access = AdminAccess(token: "admin-secret", readToken: "read-secret")
        #expect(access.level(authorization: "Bearer admin-secret", cookie: nil, consoleHeader: nil) == .act)
        #expect(access.level(authorization: "Bearer read-secret", cookie: nil, consoleHeader: nil) == .read)
        for wrong in ["bearer admin-secret", "Bearer ", "Bearer admin-secreT", "admin-secret"] {
            #expect(access.level(authorization: wrong, cookie: nil, consoleHeader: nil) == .none, "\(wrong)")
        }
        #expect(access.level(authorization: nil, cookie: nil, consoleHeader: "1") == .none)
        // Open only when no admin token is configured.
        #expect(AdminAccess(token: nil, readToken: nil).level(authorization: nil, cookie: nil, consoleHeader: nil) == .act)
        #expect(AdminAccess(token: "", readToken: "r").level(authorization: nil, cookie: nil, consoleHeader: nil) == .act)
    }

    /// The console's cookie acts only with the header its own script sends: another site can make a browser send
    /// the cookie, not the header.
    @Test func theConsoleCookieActsOnlyWithTheConsolesHeader() {
        let access = AdminAccess(token: "admin secret;=", readToken: nil)
        let cookie = "other=1; " + AdminAccess.setCookie("admin secret;=", secure: true).split(separator: ";")[0]
        #expect(access.level(authorization: nil, cookie: cookie, consoleHeader: "1") == .act)
        #expect(access.level(authorization: nil, cookie: cookie, consoleHeader: nil) == .read)
        #expect(access.level(authorization: nil, cookie: "tablemirror_token=guess", consoleHeader: "1") == .none)
        #expect(AdminAccess.setCookie("t", secure: true) == "tablemirror_token=t; Path=/; HttpOnly; SameSite=Strict; Secure")
        #expect(!AdminAccess.setCookie("t", secure: false).contains("Secure"))
    }

    /// A request another site's page made a browser send is told apart, token or not (without one, it would act).
    @Test func crossSiteRequestsAreToldApart() {
        #expect(AdminAccess.isCrossSite(secFetchSite: "cross-site", origin: nil, host: "127.0.0.1:8477"))
        #expect(AdminAccess.isCrossSite(secFetchSite: "same-site", origin: nil, host: "127.0.0.1:8477"))
        #expect(AdminAccess.isCrossSite(secFetchSite: nil, origin: "https://evil.example", host: "127.0.0.1:8477"))
        #expect(AdminAccess.isCrossSite(secFetchSite: nil, origin: "null", host: "127.0.0.1:8477"))
        #expect(!AdminAccess.isCrossSite(secFetchSite: "same-origin", origin: "http://127.0.0.1:8477", host: "127.0.0.1:8477"))
        #expect(!AdminAccess.isCrossSite(secFetchSite: nil, origin: nil, host: "127.0.0.1:8477"))  // curl, operator commands
        #expect(AdminAccess.hostName("127.0.0.1:8477") == "127.0.0.1" && AdminAccess.hostName("[::1]:8477") == "::1")
        #expect(AdminAccess.hostName("rebound.example:8477") == "rebound.example")
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

/// The login form takes ten wrong tokens a minute, then none until the oldest is a minute old.
struct LoginThrottleTests {
    @Test func tenFailuresAMinute() {
        var throttle = LoginThrottle()
        for second in 0..<10 {
            let allowed = throttle.allows(at: Double(second))
            #expect(allowed)
            throttle.failed(at: Double(second))
        }
        let eleventh = throttle.allows(at: 30), aMinuteLater = throttle.allows(at: 60)
        #expect(!eleventh && aMinuteLater)
    }
}
