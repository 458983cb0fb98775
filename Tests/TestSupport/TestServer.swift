#if canImport(Glibc)
import Glibc
#endif
import MariaDBClient

/// The MariaDB server that scripts/test.sh started for this run, described by environment variables.
public enum TestServer {
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Live tests run only when scripts/test.sh (or a developer) started a server and said where it is.
    public static var isConfigured: Bool { environment("TM_TEST_SOURCE_PORT") != nil }

    public static func options(database: String? = nil) -> ConnectionOptions {
        ConnectionOptions(
            host: environment("TM_TEST_SOURCE_HOST") ?? "127.0.0.1",
            port: Int(environment("TM_TEST_SOURCE_PORT") ?? "") ?? 23061,
            user: environment("TM_TEST_USER") ?? "tm",
            password: environment("TM_TEST_PASSWORD") ?? "tm-test-pw",
            database: database)
    }

    /// The source server's Unix socket (a connection through it comes from `localhost`).
    public static var socketPath: String? { environment("TM_TEST_SOURCE_SOCKET") }

    /// A connection for a test's own setup and checks, which sends several statements in one text.
    public static func connect(database: String? = nil) throws -> MariaDBConnection {
        var batching = options(database: database)
        batching.multiStatements = true
        return try MariaDBConnection(batching)
    }

    /// The server's current binlog file and end position: where a test's own changes will start.
    public static func currentPosition(_ connection: MariaDBConnection) throws -> (file: String, offset: UInt64) {
        let status = try connection.query("SHOW MASTER STATUS")
        guard let file = status.string(0, 0), let offset = status.string(0, 1).flatMap({ UInt64($0) }) else {
            throw TestSupportError("SHOW MASTER STATUS returned nothing: is log_bin on?")
        }
        return (file, offset)
    }

    /// A database name no other test uses.
    public static func uniqueDatabase(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0..<UInt32.max))"
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The second server scripts/test.sh starts, for targets on another server than the source.
public enum TestTargetServer {
    public static var isConfigured: Bool { TestServer.environment("TM_TEST_TARGET_PORT") != nil }

    public static func options(database: String? = nil) -> ConnectionOptions {
        var options = TestServer.options(database: database)
        options.port = Int(TestServer.environment("TM_TEST_TARGET_PORT") ?? "") ?? 23062
        return options
    }

    /// A connection for a test's own setup and checks, which sends several statements in one text.
    public static func connect(database: String? = nil) throws -> MariaDBConnection {
        var batching = options(database: database)
        batching.multiStatements = true
        return try MariaDBConnection(batching)
    }

    static func serverScript(_ arguments: String...) throws { try serverScript(arguments) }

    static func serverScript(_ arguments: [String]) throws {
        // Tests/TestSupport/TestServer.swift → repository root.
        let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let command = (["bash", "\(root)/scripts/mariadb-server.sh"] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let status = system(command + " >/dev/null 2>&1")
        guard status == 0 else { throw TestSupportError("\(command) failed with status \(status)") }
    }
}
