import Foundation
import TestSupport

/// A loopback port for a test daemon's admin endpoint, chosen from its test's random id. It stays below Linux's
/// ephemeral range (32768 and up), where the suite's many client connections (and their TIME_WAIT sockets)
/// hold ports a listener could not bind — a daemon that cannot bind its endpoint exits.
/// TM_TEST_ADMIN_PORT_OFFSET (0 to 5999) moves the range, so that two runs side by side (other TM_SERVERS_DIR and
/// server ports) keep their daemons apart: 20000–25999 by default, 26000–31999 with an offset of 6000.
/// The test servers' ports (the source's and the throwaway servers' after it, `ThrowawayServer` offsets up to 8)
/// fall in that range by default: a daemon given one of them could not bind and exited (an HA round once drew
/// 23061), so those are stepped over.
func adminTestPort(_ id: UInt32) -> Int {
    let offset = ProcessInfo.processInfo.environment["TM_TEST_ADMIN_PORT_OFFSET"].flatMap { Int($0) }.map { min(max($0, 0), 6000) } ?? 0
    let port = 20000 + offset + Int(id % 6000)
    let servers = TestServer.options().port
    return (servers..<servers + 20).contains(port) ? port + 20 : port
}
