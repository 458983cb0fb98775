/// A server's version numbers (`10.11.6-MariaDB-0+deb12u1`, `8.4.3`), for choosing what the server writes or
/// understands.
public struct ServerVersion: Sendable, Equatable {
    public var major = 0, minor = 0, patch = 0
    public let isMariaDB: Bool

    public init(_ text: String) {
        let numbers = text.split(whereSeparator: { !$0.isNumber }).prefix(3).map { Int($0) ?? 0 }
        if numbers.count > 0 { major = numbers[0] }
        if numbers.count > 1 { minor = numbers[1] }
        if numbers.count > 2 { patch = numbers[2] }
        isMariaDB = text.contains("MariaDB")
    }

    public func isAtLeast(_ major: Int, _ minor: Int, _ patch: Int = 0) -> Bool {
        (self.major, self.minor, self.patch) >= (major, minor, patch)
    }
}
