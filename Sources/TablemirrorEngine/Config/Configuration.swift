import Foundation
import MariaDBClient

/// What a configuration file says: one source, named targets, and which source tables go where.
public struct Configuration: Sendable, Equatable {
    public struct Server: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// A Unix socket on this host, used instead of `host` and `port` (a daemon beside its server).
        public var socket: String?
        public var user: String
        /// Where the password comes from; the password itself is read only when connecting.
        public var password: SecretSource
        public var passwordEnvironmentVariable: String? { password.environmentVariable }
        public var passwordFile: String? { password.file }
        /// `tls:` of the server's section; `preferred` when not given.
        public var tls = ConnectionTLS()
        /// `server_public_key_file` / `get_server_public_key: true`: MySQL's RSA password exchange without verified TLS.
        public var serverPublicKey: ServerPublicKey?

        public init(host: String, port: Int, user: String, passwordEnvironmentVariable: String?, passwordFile: String?) {
            self.host = host
            self.port = port
            self.user = user
            password = SecretSource(environmentVariable: passwordEnvironmentVariable, file: passwordFile)
        }
    }

    public struct Source: Sendable, Equatable {
        public var server: Server
        /// Our server id as a replica of the source.
        public var serverID: UInt32
        /// The other servers of the source's replication topology (`source.servers` after the first): any of them
        /// may become the primary, and tablemirror follows it there by GTID.
        public var otherServers: [Server] = []
        /// How copies take their snapshots' binlog positions (`source.snapshot`).
        public var snapshot: ConsistentSnapshot.Method = .auto

        public init(server: Server, serverID: UInt32, otherServers: [Server] = []) {
            self.server = server
            self.serverID = serverID
            self.otherServers = otherServers
        }

        /// Every server of the source, the first one first.
        public var servers: [Server] { [server] + otherServers }
    }

    public struct Target: Sendable, Equatable {
        public var name: String
        public var server: Server
        /// The database the replica tables go into, unless a mapping names another.
        public var database: String
    }

    public enum ErrorPolicy: String, Sendable, Equatable {
        /// The target stops at the failing transaction and waits for a fix or a resync.
        case stop
        /// The failing change goes to the target's dead-letter table; the rest continues.
        case deadLetter = "dead-letter"
    }

    /// One target of one mapping, with where the rows land there.
    public struct Destination: Sendable, Equatable {
        public var target: String
        /// The replica's database; nil means the target's own database.
        public var database: String?
        /// The replica's table name; nil means the source table's name (a pattern mapping keeps each name).
        public var table: String?
    }

    public struct Mapping: Sendable, Equatable {
        /// `database.table`, where either part may contain `*` (any characters) and `?` (one character).
        public var source: TablePattern
        public var destinations: [Destination]
        /// A row filter: only rows for which this SQL condition holds reach the targets.
        public var rowFilter: String?
        public var onError: ErrorPolicy
        /// Where in the file the mapping is, for messages.
        public var line: Int
    }

    /// Where alerts go and when they fire.
    public struct Alerts: Sendable, Equatable {
        public enum Channel: Sendable, Equatable {
            /// HTTP POST of the alert as a JSON document.
            case webhook(url: String)
            /// Run through `/bin/sh -c`, with the alert in its environment (TM_ALERT_*) and as JSON on stdin.
            case command(String)
            /// The daemon's own log.
            case log

            /// A webhook URL as logs may show it: scheme and host only (paths and queries often hold tokens).
            public static func redacted(_ url: String) -> String {
                guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
                    return "<webhook>"
                }
                return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")/…"
            }
        }

        /// A target further behind than this many seconds …
        public var lagSeconds: Double = 60
        /// … for longer than this is alerted.
        public var lagGraceSeconds: Double = 30
        /// A condition that lasts is alerted again this often (0: once).
        public var repeatSeconds: Double = 3600
        public var channels: [Channel] = [.log]

        public init() {}
    }

    /// The daemon's local HTTP endpoint: /status, /metrics, /healthz and the resync and repair triggers.
    public struct Admin: Sendable, Equatable {
        /// Nil: no endpoint.
        public var host: String? = "127.0.0.1"
        public var port = 8477
        /// Where the token requests must carry comes from; required when `host` is not a loopback address.
        public var token = SecretSource(environmentVariable: nil, file: nil)
        /// A second token that may read (status, metrics, the console) but not act.
        public var readToken = SecretSource(environmentVariable: nil, file: nil)
        /// HTTPS instead of HTTP; required when `host` is not a loopback address.
        public var tls: AdminTLS?

        /// `admin.tls`: the endpoint's certificate and key, and what operator commands trust for it.
        public struct AdminTLS: Sendable, Equatable {
            public var certFile: String
            public var keyFile: String
            /// The authority operator commands check the endpoint's certificate against; nil: the system's roots.
            public var caFile: String?
        }

        public init() {}

        public var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host == "localhost" }
        /// How operator commands reach the endpoint.
        public var baseURL: String? {
            host.map { "\(tls == nil ? "http" : "https")://\($0 == "0.0.0.0" ? "127.0.0.1" : $0 == "::" ? "[::1]" : $0.contains(":") ? "[\($0)]" : $0):\(port)" }
        }
    }

    /// How often each target's replicas and grants are audited (what the read-only triggers cannot stop).
    public struct Audit: Sendable, Equatable {
        public var intervalSeconds: Double = 60

        public init() {}
    }

    /// Several daemons on one configuration, one leading each target by a lease kept in that target (see README,
    /// "High availability"). Off unless the file has an `ha:` section.
    public struct HighAvailability: Sendable, Equatable {
        /// A lease not renewed for this long has expired, and a standby takes the target over.
        public var leaseSeconds: Double = 8
        /// How often the leader renews its leases.
        public var renewSeconds: Double = 2
        /// How often a standby looks whether the lease has expired.
        public var checkSeconds: Double = 1
        /// A leader that has failed to read the source for this long hands the target's lease over (and waits a
        /// lease before competing again), so that a daemon that can reach the source leads; nil: 3 leases.
        public var stepDownSeconds: Double?
        public var sourceLostStepDownSeconds: Double { stepDownSeconds ?? leaseSeconds * 3 }
        /// This daemon's name in leases and heartbeats; by default its host name, process id and a random part.
        public var id: String?

        public init() {}
    }

    public var source: Source
    public var targets: [Target]
    public var mappings: [Mapping]
    public var alerts = Alerts()
    public var admin = Admin()
    public var audit = Audit()
    public var highAvailability: HighAvailability?
    /// Secret files that group or others may read are accepted (they are refused by default).
    public var allowInsecurePermissions = false {
        didSet { applySecretPolicy() }
    }

    /// Every secret source follows the file-permission policy.
    private mutating func applySecretPolicy() {
        source.server.password.allowInsecurePermissions = allowInsecurePermissions
        for index in source.otherServers.indices { source.otherServers[index].password.allowInsecurePermissions = allowInsecurePermissions }
        for index in targets.indices { targets[index].server.password.allowInsecurePermissions = allowInsecurePermissions }
        admin.token.allowInsecurePermissions = allowInsecurePermissions
        admin.readToken.allowInsecurePermissions = allowInsecurePermissions
    }

    /// Every secret the configuration names, read once: an unset variable, an empty or loose file is a
    /// configuration error before anything connects.
    public func checkSecrets() throws(EngineError) {
        _ = try source.server.password.resolve()
        for target in targets { _ = try target.server.password.resolve() }
        if admin.host != nil {
            _ = try admin.token.resolve()
            _ = try admin.readToken.resolve()
        }
        try checkKeyFiles()
    }

    /// TLS private key files are secrets too: one that group or others may read is refused like a password file.
    /// (Passwords are checked where they are read, when connection options are made.)
    public func checkKeyFiles() throws(EngineError) {
        let keys = (source.servers + targets.map(\.server)).compactMap(\.tls.keyFile) + [admin.tls?.keyFile].compactMap { $0 }
        for key in keys { try SecretSource.checkPrivateFile(key, allowInsecurePermissions: allowInsecurePermissions) }
        // libmariadb asks the server for its key when the file cannot be read: a wrong path would silently be
        // get_server_public_key's trust in whoever answers. A file named must be there and hold a public key.
        for server in source.servers + targets.map(\.server) {
            guard case let .file(path) = server.serverPublicKey else { continue }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .io(path: path, detail: "server_public_key_file: cannot be read")
            }
            guard text.contains("-----BEGIN PUBLIC KEY-----") || text.contains("-----BEGIN RSA PUBLIC KEY-----") else {
                throw .io(path: path, detail: "server_public_key_file: not a PEM public key")
            }
        }
    }

    public func target(named name: String) -> Target? {
        targets.first { $0.name == name }
    }
}

/// `database.table` with `*` and `?` wildcards in either part.
public struct TablePattern: Sendable, Equatable, CustomStringConvertible {
    public var database: String
    public var table: String

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        database = String(parts[0])
        table = String(parts[1])
    }

    public var isPattern: Bool { (database + table).contains { $0 == "*" || $0 == "?" } }
    public var description: String { "\(database).\(table)" }

    public func matches(database: String, table: String) -> Bool {
        Self.matches(Array(self.database), Array(database)) && Self.matches(Array(self.table), Array(table))
    }

    /// Glob matching with `*` and `?`, iterative so a long name cannot blow the stack.
    static func matches(_ pattern: [Character], _ text: [Character]) -> Bool {
        var p = 0, t = 0, star = -1, resume = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
