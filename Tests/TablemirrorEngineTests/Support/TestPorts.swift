/// A loopback port for a test daemon's admin endpoint, chosen from its test's random id. It stays below Linux's
/// ephemeral range (32768 and up), where the suite's many client connections (and their TIME_WAIT sockets)
/// hold ports a listener could not bind — a daemon that cannot bind its endpoint exits.
func adminTestPort(_ id: UInt32) -> Int {
    20000 + Int(id % 12000)
}
