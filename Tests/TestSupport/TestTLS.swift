import MariaDBClient

/// The certificates scripts/test.sh made for this run (scripts/lib/test-certs.sh), in TM_TEST_TLS_DIR. The source
/// server presents `loopback` (127.0.0.1, localhost), the target server `other-host` (other-host.invalid only).
public enum TestTLS {
    public static var isConfigured: Bool { directory != nil }

    static var directory: String? { TestServer.environment("TM_TEST_TLS_DIR") }

    /// A file of the directory: ca.pem, other-ca.pem, loopback.pem/.key, other-host.pem/.key, client.pem/.key.
    public static func file(_ name: String) -> String { "\(directory ?? "/nonexistent")/\(name)" }

    public static var caFile: String { file("ca.pem") }

    /// The port of the server scripts/test.sh started without TLS.
    public static var plainServerPort: Int? { TestServer.environment("TM_TEST_PLAIN_PORT").flatMap { Int($0) } }

    /// mariadbd's options for serving the named certificate (none when the run made no certificates).
    public static func serverOptions(_ certificate: String) -> [String] {
        guard isConfigured else { return [] }
        return ["--ssl-ca=\(caFile)", "--ssl-cert=\(file("\(certificate).pem"))", "--ssl-key=\(file("\(certificate).key"))"]
    }
}
