import Foundation
import MariaDBClient
import Yams

/// Reads a configuration file. Every error names the file, the line and the key, and an unknown key is an
/// error (a misspelt `pasword_env` must not silently mean "no password").
public struct ConfigurationParser {
    public let file: String

    public init(file: String) {
        self.file = file
    }

    public func parse(_ text: String) throws(ConfigurationError) -> Configuration {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else { throw failure(nil, "", "the file is empty") }
            root = composed
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw yamlFailure(error)
        } catch {
            throw failure(nil, "", "not valid YAML: \(error)")
        }
        let top = try fields(root, "", allowed: ["source", "targets", "mappings", "alerts", "admin", "audit", "ha", "allow_insecure_permissions"])
        let source = try parseSource(try required(top, "source", in: root, path: ""))
        let targets = try parseTargets(try required(top, "targets", in: root, path: ""))
        let mappings = try parseMappings(try required(top, "mappings", in: root, path: ""), targets: targets)
        var configuration = Configuration(source: source, targets: targets, mappings: mappings)
        if let alerts = top["alerts"] { configuration.alerts = try parseAlerts(alerts) }
        if let admin = top["admin"] { configuration.admin = try parseAdmin(admin) }
        if let audit = top["audit"] { configuration.audit = try parseAudit(audit) }
        if let ha = top["ha"] { configuration.highAvailability = try parseHighAvailability(ha) }
        if let node = top["allow_insecure_permissions"] {
            guard let allowed = node.bool else { throw failure(node, "allow_insecure_permissions", "must be true or false") }
            configuration.allowInsecurePermissions = allowed
        }
        return configuration
    }

    private func parseAudit(_ node: Node) throws(ConfigurationError) -> Configuration.Audit {
        let map = try fields(node, "audit", allowed: ["interval_seconds"])
        var audit = Configuration.Audit()
        if let value = try integer(map["interval_seconds"], "audit.interval_seconds", range: 1...86_400) { audit.intervalSeconds = Double(value) }
        return audit
    }

    private func parseHighAvailability(_ node: Node) throws(ConfigurationError) -> Configuration.HighAvailability {
        // `ha: {}` (or `ha:` with nothing under it) turns it on with the defaults.
        if case let .scalar(scalar) = node, scalar.string.isEmpty || scalar.string == "~" { return Configuration.HighAvailability() }
        let map = try fields(node, "ha", allowed: ["lease_seconds", "renew_seconds", "check_seconds", "step_down_seconds", "id"])
        var ha = Configuration.HighAvailability()
        if let value = try integer(map["lease_seconds"], "ha.lease_seconds", range: 2...3_600) { ha.leaseSeconds = Double(value) }
        if let value = try integer(map["renew_seconds"], "ha.renew_seconds", range: 1...3_600) { ha.renewSeconds = Double(value) }
        if let value = try integer(map["check_seconds"], "ha.check_seconds", range: 1...3_600) { ha.checkSeconds = Double(value) }
        if let value = try integer(map["step_down_seconds"], "ha.step_down_seconds", range: 1...86_400) { ha.stepDownSeconds = Double(value) }
        if let node = map["id"] {
            let id = try string(node, "ha.id")
            guard id.count <= 64, Self.isIdentifier(id) else {
                throw failure(node, "ha.id", "must be at most 64 letters, digits, '_' or '-'")
            }
            ha.id = id
        }
        // A leader must renew well within its lease, or a slow renewal looks like a dead leader.
        guard ha.renewSeconds * 2 <= ha.leaseSeconds else {
            throw failure(map["renew_seconds"] ?? node, "ha.renew_seconds", "must be at most half of ha.lease_seconds (\(Int(ha.leaseSeconds)))")
        }
        return ha
    }

    private func parseAdmin(_ node: Node) throws(ConfigurationError) -> Configuration.Admin {
        let map = try fields(node, "admin", allowed: ["listen", "token_env", "token_file", "read_token_env", "read_token_file", "tls"])
        var admin = Configuration.Admin()
        if let listenNode = map["listen"] {
            let listen = try string(listenNode, "admin.listen")
            if listen == "off" {
                admin.host = nil
            } else {
                guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (1...65535).contains(port) else {
                    throw failure(listenNode, "admin.listen", "must be HOST:PORT (127.0.0.1:8477) or off")
                }
                admin.host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                admin.port = port
            }
        }
        let tokenEnv = try map["token_env"].map { (node: Node) throws(ConfigurationError) in try string(node, "admin.token_env") }
        let tokenFile = try map["token_file"].map { (node: Node) throws(ConfigurationError) in try string(node, "admin.token_file") }
        if tokenEnv != nil && tokenFile != nil { throw failure(node, "admin", "give token_env or token_file, not both") }
        admin.token = SecretSource(environmentVariable: tokenEnv, file: tokenFile)
        let readEnv = try map["read_token_env"].map { (node: Node) throws(ConfigurationError) in try string(node, "admin.read_token_env") }
        let readFile = try map["read_token_file"].map { (node: Node) throws(ConfigurationError) in try string(node, "admin.read_token_file") }
        if readEnv != nil && readFile != nil { throw failure(node, "admin", "give read_token_env or read_token_file, not both") }
        if (readEnv != nil || readFile != nil) && tokenEnv == nil && tokenFile == nil {
            throw failure(node, "admin.token_env", "a read token needs the admin token too (without one the endpoint is open to anyone who can reach it)")
        }
        admin.readToken = SecretSource(environmentVariable: readEnv, file: readFile)
        if admin.host != nil, !admin.isLoopback, tokenEnv == nil, tokenFile == nil {
            throw failure(map["listen"], "admin.token_env", "required when admin.listen is not a loopback address")
        }
        admin.tls = try map["tls"].map { (node: Node) throws(ConfigurationError) in try parseAdminTLS(node) }
        if admin.host != nil, !admin.isLoopback, admin.tls == nil {
            throw failure(map["listen"], "admin.tls", "required when admin.listen is not a loopback address (the token must not cross the network in clear)")
        }
        return admin
    }

    private func parseAlerts(_ node: Node) throws(ConfigurationError) -> Configuration.Alerts {
        let map = try fields(node, "alerts", allowed: ["lag_seconds", "lag_grace_seconds", "repeat_seconds", "channels"])
        var alerts = Configuration.Alerts()
        let limit = 365 * 86_400
        if let value = try integer(map["lag_seconds"], "alerts.lag_seconds", range: 1...limit) { alerts.lagSeconds = Double(value) }
        if let value = try integer(map["lag_grace_seconds"], "alerts.lag_grace_seconds", range: 0...limit) { alerts.lagGraceSeconds = Double(value) }
        if let value = try integer(map["repeat_seconds"], "alerts.repeat_seconds", range: 0...limit) { alerts.repeatSeconds = Double(value) }
        if let channels = map["channels"] {
            guard case let .sequence(sequence) = channels else { throw failure(channels, "alerts.channels", "must be a list of channels") }
            alerts.channels = []
            for (index, item) in sequence.enumerated() {
                let path = "alerts.channels[\(index)]"
                let channel = try fields(item, path, allowed: ["type", "url", "command"])
                let type = try string(try required(channel, "type", in: item, path: path), "\(path).type")
                switch type {
                case "webhook":
                    let url = try string(try required(channel, "url", in: item, path: path), "\(path).url")
                    guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                        throw failure(channel["url"], "\(path).url", "must be an http:// or https:// URL")
                    }
                    alerts.channels.append(.webhook(url: url))
                case "command":
                    alerts.channels.append(.command(try string(try required(channel, "command", in: item, path: path), "\(path).command")))
                case "log":
                    alerts.channels.append(.log)
                default:
                    throw failure(channel["type"], "\(path).type", "'\(type)' is not one of: webhook, command, log")
                }
            }
        }
        return alerts
    }

    // MARK: Sections

    private func parseSource(_ node: Node) throws(ConfigurationError) -> Configuration.Source {
        let keys = Self.serverKeys + ["server_id", "servers", "snapshot"]
        let map = try fields(node, "source", allowed: keys)
        var source = try parseSourceServers(map, node: node)
        if let snapshotNode = map["snapshot"] {
            let text = try string(snapshotNode, "source.snapshot")
            guard let method = ConsistentSnapshot.Method(rawValue: text) else {
                throw failure(snapshotNode, "source.snapshot", "'\(text)' is not auto or table-lock")
            }
            source.snapshot = method
        }
        return source
    }

    /// The source's server, or the servers of its topology (`servers:`).
    private func parseSourceServers(_ map: [String: Node], node: Node) throws(ConfigurationError) -> Configuration.Source {
        let server = try parseServer(map, node: node, path: "source")
        let serverID = try integer(map["server_id"], "source.server_id", range: 1...Int(UInt32.max)) ?? 4242
        guard let list = map["servers"] else { return Configuration.Source(server: server, serverID: UInt32(serverID)) }
        if let key = ["host", "port", "socket"].first(where: { map[$0] != nil }) {
            throw failure(map[key], "source.\(key)", "give the source's servers under servers:, or one server with host/port or socket, not both")
        }
        // Every server of the topology shares the account, password and TLS settings given beside the list.
        guard case let .sequence(items) = list, !items.isEmpty else {
            throw failure(list, "source.servers", "must list the source's servers ({ host, port } or { socket } each)")
        }
        var servers: [Configuration.Server] = []
        for (index, item) in items.enumerated() {
            let path = "source.servers[\(index)]"
            let place = try fields(item, path, allowed: ["host", "port", "socket"])
            guard place["host"] != nil || place["socket"] != nil else { throw failure(item, path, "needs host (and port) or socket") }
            var member = server
            (member.host, member.port, member.socket) = try parseEndpoint(place, node: item, path: path)
            if servers.contains(where: { ($0.host, $0.port, $0.socket) == (member.host, member.port, member.socket) }) {
                throw failure(item, path, "lists the same server twice")
            }
            servers.append(member)
        }
        return Configuration.Source(server: servers[0], serverID: UInt32(serverID), otherServers: Array(servers.dropFirst()))
    }

    private func parseTargets(_ node: Node) throws(ConfigurationError) -> [Configuration.Target] {
        guard case let .mapping(mapping) = node, !mapping.isEmpty else {
            throw failure(node, "targets", "must map target names to their servers")
        }
        var targets: [Configuration.Target] = []
        for (keyNode, value) in mapping {
            guard let name = keyNode.string, Self.isIdentifier(name) else {
                throw failure(keyNode, "targets", "a target name must be letters, digits, '_' or '-'")
            }
            let path = "targets.\(name)"
            let map = try fields(value, path, allowed: Self.serverKeys + ["database"])
            let server = try parseServer(map, node: value, path: path)
            let database = try string(try required(map, "database", in: value, path: path), "\(path).database")
            targets.append(Configuration.Target(name: name, server: server, database: database))
        }
        return targets
    }

    private func parseMappings(_ node: Node, targets: [Configuration.Target]) throws(ConfigurationError) -> [Configuration.Mapping] {
        guard case let .sequence(sequence) = node, !sequence.isEmpty else {
            throw failure(node, "mappings", "must be a list of mappings")
        }
        var mappings: [Configuration.Mapping] = []
        for (index, item) in sequence.enumerated() {
            let path = "mappings[\(index)]"
            let map = try fields(item, path, allowed: ["source", "targets", "where", "on_error"])
            let sourceNode = try required(map, "source", in: item, path: path)
            let sourceText = try string(sourceNode, "\(path).source")
            guard let pattern = TablePattern(sourceText) else {
                throw failure(sourceNode, "\(path).source", "'\(sourceText)' is not database.table (wildcards * and ? allowed)")
            }
            let destinations = try parseDestinations(try required(map, "targets", in: item, path: path),
                                                     path: "\(path).targets", targets: targets, pattern: pattern)
            let filter = try map["where"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).where") }
            if let filter, let problem = RowFilter.problem(in: filter) { throw failure(map["where"], "\(path).where", problem) }
            var policy = Configuration.ErrorPolicy.stop
            if let policyNode = map["on_error"] {
                let text = try string(policyNode, "\(path).on_error")
                guard let parsed = Configuration.ErrorPolicy(rawValue: text) else {
                    throw failure(policyNode, "\(path).on_error", "'\(text)' is not one of: stop, dead-letter")
                }
                policy = parsed
            }
            mappings.append(Configuration.Mapping(source: pattern, destinations: destinations, rowFilter: filter,
                                                  onError: policy, line: line(item) ?? 0))
        }
        return mappings
    }

    /// `targets: [orders, purchasing]` or `targets: [{ target: orders, table: items_copy, database: other }]`.
    private func parseDestinations(_ node: Node, path: String, targets: [Configuration.Target],
                                   pattern: TablePattern) throws(ConfigurationError) -> [Configuration.Destination] {
        guard case let .sequence(sequence) = node, !sequence.isEmpty else {
            throw failure(node, path, "must list at least one target")
        }
        var destinations: [Configuration.Destination] = []
        for (index, item) in sequence.enumerated() {
            let itemPath = "\(path)[\(index)]"
            var destination: Configuration.Destination
            if case .scalar = item {
                destination = Configuration.Destination(target: try string(item, itemPath), database: nil, table: nil)
            } else {
                let map = try fields(item, itemPath, allowed: ["target", "database", "table"])
                destination = Configuration.Destination(
                    target: try string(try required(map, "target", in: item, path: itemPath), "\(itemPath).target"),
                    database: try map["database"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(itemPath).database") },
                    table: try map["table"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(itemPath).table") })
                if destination.table != nil && pattern.isPattern {
                    throw failure(item, "\(itemPath).table", "a pattern mapping keeps each table's name; rename tables one mapping each")
                }
            }
            guard targets.contains(where: { $0.name == destination.target }) else {
                let known = targets.map(\.name).joined(separator: ", ")
                throw failure(item, itemPath, "unknown target '\(destination.target)' (targets: \(known))")
            }
            guard !destinations.contains(where: { $0.target == destination.target }) else {
                throw failure(item, itemPath, "target '\(destination.target)' is listed twice")
            }
            destinations.append(destination)
        }
        return destinations
    }

    private static let serverKeys = ["host", "port", "socket", "user", "password_env", "password_file", "tls",
                                     "server_public_key_file", "get_server_public_key"]

    /// Where a server is: host and port, or a Unix socket.
    private func parseEndpoint(_ map: [String: Node], node: Node, path: String) throws(ConfigurationError) -> (host: String, port: Int, socket: String?) {
        let host = try map["host"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).host") } ?? "127.0.0.1"
        let port = try integer(map["port"], "\(path).port", range: 1...65535) ?? 3306
        let socket = try map["socket"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).socket") }
        if socket != nil, map["host"] != nil || map["port"] != nil {
            throw failure(node, "\(path).socket", "give socket, or host and port, not both")
        }
        return (host, port, socket)
    }

    private func parseServer(_ map: [String: Node], node: Node, path: String) throws(ConfigurationError) -> Configuration.Server {
        let (host, port, socket) = try parseEndpoint(map, node: node, path: path)
        let user = try string(try required(map, "user", in: node, path: path), "\(path).user")
        let passwordEnv = try map["password_env"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).password_env") }
        let passwordFile = try map["password_file"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).password_file") }
        if passwordEnv != nil && passwordFile != nil {
            throw failure(node, path, "give password_env or password_file, not both")
        }
        let tls = try map["tls"].map { (node: Node) throws(ConfigurationError) in try parseTLS(node, path: "\(path).tls") } ?? ConnectionTLS()
        var server = Configuration.Server(host: host, port: port, user: user,
                                          passwordEnvironmentVariable: passwordEnv, passwordFile: passwordFile)
        server.tls = tls
        server.socket = socket
        server.serverPublicKey = try parseServerPublicKey(map, node: node, path: path, tls: tls.mode)
        return server
    }

    /// `server_public_key_file: path` or `get_server_public_key: true` (not both).
    private func parseServerPublicKey(_ map: [String: Node], node: Node, path: String,
                                      tls mode: ConnectionTLS.Mode) throws(ConfigurationError) -> ServerPublicKey? {
        let file = try map["server_public_key_file"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).server_public_key_file") }
        var request = false
        if let requestNode = map["get_server_public_key"] {
            guard let value = requestNode.bool else { throw failure(requestNode, "\(path).get_server_public_key", "must be true or false") }
            request = value
        }
        if let file {
            if request { throw failure(node, path, "give server_public_key_file or get_server_public_key, not both") }
            guard mode == .disabled || mode == .verifyIdentity else {
                throw failure(map["server_public_key_file"], "\(path).server_public_key_file",
                              "the key is used only on connections without TLS (set tls.mode: disabled): over TLS the password goes in clear text, which only tls.mode verify_identity allows")
            }
            return .file(file)
        }
        return request ? .requestedFromServer : nil
    }

    // MARK: TLS

    /// `tls: { mode, ca_file, cert_file, key_file }` of a source or target.
    private func parseTLS(_ node: Node, path: String) throws(ConfigurationError) -> ConnectionTLS {
        let map = try fields(node, path, allowed: ["mode", "ca_file", "cert_file", "key_file"])
        var tls = ConnectionTLS()
        if let modeNode = map["mode"] {
            let text = try string(modeNode, "\(path).mode")
            guard let mode = ConnectionTLS.Mode(rawValue: text) else {
                let modes = ConnectionTLS.Mode.allCases.map(\.rawValue).joined(separator: ", ")
                throw failure(modeNode, "\(path).mode", "'\(text)' is not one of: \(modes)")
            }
            tls.mode = mode
        }
        tls.caFile = try map["ca_file"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).ca_file") }
        tls.certFile = try map["cert_file"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).cert_file") }
        tls.keyFile = try map["key_file"].map { (node: Node) throws(ConfigurationError) in try string(node, "\(path).key_file") }
        if (tls.mode == .verifyCA || tls.mode == .verifyIdentity) && tls.caFile == nil {
            throw failure(map["mode"], "\(path).ca_file", "required by mode \(tls.mode.rawValue): the authority the server's certificate is checked against")
        }
        if (tls.certFile == nil) != (tls.keyFile == nil) {
            let missing = tls.certFile == nil ? "cert_file" : "key_file"
            throw failure(node, "\(path).\(missing)", "cert_file and key_file go together (a client certificate and its key)")
        }
        if tls.mode == .disabled && (tls.caFile != nil || tls.certFile != nil) {
            throw failure(map["mode"], "\(path).mode", "disabled uses no certificate files; remove them or choose another mode")
        }
        return tls
    }

    /// `admin.tls: { cert_file, key_file, ca_file }`.
    private func parseAdminTLS(_ node: Node) throws(ConfigurationError) -> Configuration.Admin.AdminTLS {
        let map = try fields(node, "admin.tls", allowed: ["cert_file", "key_file", "ca_file"])
        return Configuration.Admin.AdminTLS(
            certFile: try string(try required(map, "cert_file", in: node, path: "admin.tls"), "admin.tls.cert_file"),
            keyFile: try string(try required(map, "key_file", in: node, path: "admin.tls"), "admin.tls.key_file"),
            caFile: try map["ca_file"].map { (node: Node) throws(ConfigurationError) in try string(node, "admin.tls.ca_file") })
    }

    // MARK: Located reading

    private func fields(_ node: Node, _ path: String, allowed: [String]) throws(ConfigurationError) -> [String: Node] {
        guard case let .mapping(mapping) = node else {
            throw failure(node, path, "must be a mapping of keys to values")
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw failure(keyNode, path, "keys must be strings") }
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                throw failure(keyNode, keyPath, "unknown key (expected one of: \(allowed.joined(separator: ", ")))")
            }
            guard result[key] == nil else { throw failure(keyNode, keyPath, "given twice") }
            result[key] = value
        }
        return result
    }

    private func required(_ map: [String: Node], _ key: String, in node: Node, path: String) throws(ConfigurationError) -> Node {
        guard let value = map[key] else {
            throw failure(node, path.isEmpty ? key : "\(path).\(key)", "missing")
        }
        return value
    }

    private func string(_ node: Node, _ path: String) throws(ConfigurationError) -> String {
        guard case let .scalar(scalar) = node, !scalar.string.isEmpty else {
            throw failure(node, path, "must be a non-empty string")
        }
        return scalar.string
    }

    private func integer(_ node: Node?, _ path: String, range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let node else { return nil }
        guard let value = node.int, range.contains(value) else {
            throw failure(node, path, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private func line(_ node: Node?) -> Int? { node?.mark?.line }

    private func failure(_ node: Node?, _ key: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line(node), key: key, message: message)
    }

    private func yamlFailure(_ error: YamlError) -> ConfigurationError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return ConfigurationError(file: file, line: mark.line, key: "", message: "not valid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return ConfigurationError(file: file, line: context.mark.line, key: duplicates.joined(separator: ", "),
                                      message: "given twice")
        default:
            return ConfigurationError(file: file, line: nil, key: "", message: "not valid YAML: \(error)")
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
