#if canImport(Glibc)
import Glibc
#endif

/// Reads and parses a configuration file from disk.
public enum ConfigurationLoader {
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        guard let handle = fopen(path, "r") else {
            throw ConfigurationError(file: path, line: nil, key: "", message: "cannot read: \(String(cString: strerror(errno)))")
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(file: path, line: nil, key: "", message: "not UTF-8 text")
        }
        return try ConfigurationParser(file: path).parse(text)
    }

    /// What `check-config` prints: each mapping and where its rows land.
    public static func describe(_ configuration: Configuration) -> [String] {
        var lines = ["source: \(configuration.source.servers.map(describe).joined(separator: ", ")) as replica server id \(configuration.source.serverID)"]
        if !configuration.source.otherServers.isEmpty {
            lines.append("source failover: reads from whichever of these servers is the primary, continuing by GTID")
        }
        for target in configuration.targets {
            lines.append("target \(target.name): \(describe(target.server)) database \(target.database)")
        }
        for mapping in configuration.mappings {
            let places = mapping.destinations.map { destination -> String in
                let target = configuration.target(named: destination.target)
                let database = destination.database ?? target?.database ?? "?"
                let table = destination.table ?? (mapping.source.isPattern ? "<same name>" : mapping.source.table)
                return "\(destination.target):\(database).\(table)"
            }
            var line = "\(mapping.source) -> \(places.joined(separator: ", "))"
            if let filter = mapping.rowFilter { line += " where \(filter)" }
            if mapping.onError != .stop { line += " (on error: \(mapping.onError.rawValue))" }
            lines.append(line)
        }
        let alerts = configuration.alerts
        let channels = alerts.channels.map { channel -> String in
            switch channel {
            case let .webhook(url): return "webhook \(Configuration.Alerts.Channel.redacted(url))"
            case .command: return "command"
            case .log: return "log"
            }
        }
        lines.append("alerts: lag over \(Int(alerts.lagSeconds)) s for \(Int(alerts.lagGraceSeconds)) s, repeated every \(Int(alerts.repeatSeconds)) s, to \(channels.joined(separator: ", "))")
        if let host = configuration.admin.host {
            let token = configuration.admin.token.environmentVariable.map { ", token from $\($0)" }
                ?? configuration.admin.token.file.map { ", token from file \($0)" } ?? ""
            let https = configuration.admin.tls.map { ", HTTPS with certificate \($0.certFile)" } ?? ", HTTP"
            lines.append("admin endpoint: \(host):\(configuration.admin.port)\(token)\(https)")
        } else {
            lines.append("admin endpoint: off")
        }
        return lines
    }

    private static func describe(_ server: Configuration.Server) -> String {
        let secret = server.passwordEnvironmentVariable.map { "password from $\($0)" }
            ?? server.passwordFile.map { "password from file \($0)" } ?? "no password"
        let tls = server.tls.mode.rawValue + (server.tls.caFile.map { ", ca \($0)" } ?? "")
        return "\(server.user)@" + (server.socket ?? "\(server.host):\(server.port)") + " (\(secret); tls \(tls))"
    }
}
