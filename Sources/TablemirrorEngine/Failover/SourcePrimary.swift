import MariaDBClient

extension Replicator.Connections {
    /// The source server to read from now. With one server configured, that one (as always); with several, the
    /// one that is the primary, asked of each in turn (`PrimaryChoice`).
    public func primarySource() throws -> ConnectionOptions {
        guard hasSourceFailover else { return sourceServers[0] }
        let probes = sourceServers.map(Self.probe)
        switch PrimaryChoice.choose(probes) {
        case let .primary(index): return sourceServers[index]
        case let .none(reason): throw NoPrimarySource(description: reason)
        }
    }

    /// A connection to the primary (see `primarySource`).
    public func connectToPrimary() throws -> MariaDBConnection {
        try MariaDBConnection(primarySource())
    }

    private static func probe(_ options: ConnectionOptions) -> PrimaryChoice.Probe {
        var quick = options
        quick.connectTimeoutSeconds = min(quick.connectTimeoutSeconds, 3)
        quick.readTimeoutSeconds = min(quick.readTimeoutSeconds, 5)
        do {
            let connection = try MariaDBConnection(quick)
            defer { connection.close() }
            let result = try connection.query("SELECT @@global.read_only, @@global.log_bin")
            return PrimaryChoice.Probe(server: options.description, answer: .answered(
                readOnly: (result.string(0, 0) ?? "1") != "0", logBin: (result.string(0, 1) ?? "0") == "1"))
        } catch {
            return PrimaryChoice.Probe(server: options.description, answer: .unreachable("\(error)"))
        }
    }
}
