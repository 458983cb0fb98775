import Hummingbird

/// The admin endpoint's bearer token check.
enum BearerToken {
    /// Whether `given` equals `expected`, in a time that depends only on their lengths, not on where they first
    /// differ: a caller timing the answers cannot learn the token one character at a time.
    static func matches(_ given: some Collection<UInt8>, _ expected: some Collection<UInt8>) -> Bool {
        let given = Array(given), expected = Array(expected)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        // Every byte of the expected token is compared, whatever the given length.
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : ~expected[index])
        }
        return difference == 0
    }
}
