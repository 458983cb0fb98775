import MariaDBClient

/// A server a test starts for itself, for a setting no other test may see or an outage no other test may
/// suffer: on a port after the three test servers' (`offset` 3 and up, one per suite), under the same servers
/// directory; stopped when the test ends.
public struct ThrowawayServer {
    public let name: String
    public let port: Int
    private let options: [String]

    /// Starts a fresh server with these mariadbd options (they override the script's defaults).
    public init(name: String, offset: Int, options: [String] = []) throws {
        self.name = name
        self.options = options
        port = TestServer.options().port + offset
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

    /// Stops the server, keeping its data, to simulate an outage; `resume` brings it back.
    public func pause() throws { try TestTargetServer.serverScript("stop", name) }

    /// Kills the server at once (SIGKILL), as a crash would; `resume` starts it again on what it had written.
    public func kill() throws { try TestTargetServer.serverScript("kill", name) }

    public func resume() throws { try TestTargetServer.serverScript(["resume", name, String(port)] + options) }

    public func stop() {
        try? TestTargetServer.serverScript("stop", name)
    }
}
