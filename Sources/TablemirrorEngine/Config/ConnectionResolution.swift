import MariaDBClient

extension Configuration.Server {
    /// Connection options with the password read from its environment variable or file (never logged).
    public func connectionOptions(database: String? = nil) throws(EngineError) -> ConnectionOptions {
        let password = try self.password.resolve()
        var options = ConnectionOptions(host: host, port: port, user: user, password: password, database: database, unixSocket: socket)
        options.tls = tls
        options.serverPublicKey = serverPublicKey
        return options
    }
}

extension Replicator.Connections {
    /// Every command's connections: passwords read (and checked) here, key files checked with them.
    public init(_ configuration: Configuration) throws(EngineError) {
        try configuration.checkKeyFiles()
        var targets: [String: ConnectionOptions] = [:]
        for target in configuration.targets { targets[target.name] = try target.server.connectionOptions() }
        var sources: [ConnectionOptions] = []
        for server in configuration.source.servers { sources.append(try server.connectionOptions()) }
        self.init(sourceServers: sources, targets: targets)
    }
}
