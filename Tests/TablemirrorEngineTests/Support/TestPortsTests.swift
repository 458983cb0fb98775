import Foundation
import Testing
import TestSupport

/// A daemon's admin port is never one of the test servers' (a daemon that cannot bind its endpoint exits).
struct TestPortsTests {
    @Test func theTestServersPortsAreSteppedOver() {
        let servers = TestServer.options().port
        let offset = ProcessInfo.processInfo.environment["TM_TEST_ADMIN_PORT_OFFSET"].flatMap { Int($0) } ?? 0
        for port in servers..<servers + 20 where port - 20000 - offset >= 0 {
            #expect(!(servers..<servers + 20).contains(adminTestPort(UInt32(port - 20000 - offset))))
        }
    }
}
