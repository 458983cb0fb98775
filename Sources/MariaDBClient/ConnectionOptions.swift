/// Where and how to connect. The password is held only in memory and never printed: `description` omits it.
public struct ConnectionOptions: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String?
    public var unixSocket: String?
    public var connectTimeoutSeconds: UInt32
    /// Read timeout; a binlog stream with heartbeats sets it above the heartbeat period.
    public var readTimeoutSeconds: UInt32
    /// Whether one text may carry several statements. Off unless every part of every text sent is built by
    /// tablemirror from quoted identifiers and typed literals (the applier's group batches): with it off, a
    /// statement that carries source-controlled text cannot smuggle a second statement past a misjudged boundary.
    public var multiStatements = false
    /// Whether `LOAD DATA LOCAL` statements may read rows handed to `execute` (never a file: see `LocalRows`).
    /// Off: the client does not offer the capability, and a server that asks anyway is refused.
    public var servesLocalRows = false
    /// TLS to the server; `preferred` unless configured.
    public var tls = ConnectionTLS()
    /// The server's RSA key for MySQL's caching_sha2_password without verified TLS (nil: that exchange is refused).
    public var serverPublicKey: ServerPublicKey?

    public init(host: String = "127.0.0.1", port: Int = 3306, user: String, password: String? = nil,
                database: String? = nil, unixSocket: String? = nil,
                connectTimeoutSeconds: UInt32 = 10, readTimeoutSeconds: UInt32 = 60) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.unixSocket = unixSocket
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds
    }

    public var description: String { "\(user)@" + (unixSocket ?? "\(host):\(port)") + (database.map { "/\($0)" } ?? "") }
}
