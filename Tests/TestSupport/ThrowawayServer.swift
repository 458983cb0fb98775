import MariaDBClient

/// A server a test starts for itself, for a setting no other test may see (and no outage test may take away):
/// on the port after the third test server's, under the same servers directory; stopped when the test ends.
public struct ThrowawayServer {
    public let name: String
    public let port: Int

    /// Starts a fresh server with these mariadbd options (they override the script's defaults).
    public init(name: String, options: [String]) throws {
        self.name = name
        port = TestServer.options().port + 3
        try TestTargetServer.serverScript(["start", name, String(port)] + options)
    }

    public func options(database: String? = nil) -> ConnectionOptions {
        var options = TestServer.options(database: database)
        options.port = port
        return options
    }

    public func connect(database: String? = nil) throws -> MariaDBConnection {
        var batching = options(database: database)
        batching.multiStatements = true
        return try MariaDBConnection(batching)
    }

    public func stop() {
        try? TestTargetServer.serverScript("stop", name)
    }
}
