@testable import MariaDBClient
import Testing
import TestSupport

/// What each tls mode does against real servers: the source (certificate for 127.0.0.1), the target (certificate
/// for other-host.invalid only) and a server without TLS, all started by scripts/test.sh.
@Suite("TLS connections", .enabled(if: TestServer.isConfigured && TestTLS.isConfigured))
struct TLSConnectionTests {
    private func source(_ mode: ConnectionTLS.Mode, ca: String? = TestTLS.caFile) -> ConnectionOptions {
        var options = TestServer.options()
        options.tls = ConnectionTLS(mode: mode, caFile: ca)
        return options
    }

    private func target(_ mode: ConnectionTLS.Mode, ca: String? = TestTLS.caFile) -> ConnectionOptions {
        var options = TestTargetServer.options()
        options.tls = ConnectionTLS(mode: mode, caFile: ca)
        return options
    }

    private func plain(_ mode: ConnectionTLS.Mode) throws -> ConnectionOptions {
        let port = try #require(TestTLS.plainServerPort)
        var options = TestServer.options()
        options.port = port
        options.tls = ConnectionTLS(mode: mode, caFile: mode == .verifyCA || mode == .verifyIdentity ? TestTLS.caFile : nil)
        return options
    }

    /// The cipher the server reports for this session (empty when the session is in clear text).
    private func serverCipher(_ connection: MariaDBConnection) throws -> String {
        try connection.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'").string(0, 1) ?? ""
    }

    private func failure(_ options: ConnectionOptions) -> MariaDBError? {
        do {
            _ = try MariaDBConnection(options)
            return nil
        } catch {
            return error
        }
    }

    @Test func requiredConnectsEncryptedAndTheServerAgrees() throws {
        let connection = try MariaDBConnection(source(.required, ca: nil))
        let cipher = try #require(connection.tlsCipher)
        #expect(try serverCipher(connection) == cipher)
    }

    @Test func preferredUsesTLSWhenOfferedAndClearTextOtherwise() throws {
        #expect(try MariaDBConnection(source(.preferred, ca: nil)).tlsCipher != nil)
        let clear = try MariaDBConnection(try plain(.preferred))
        #expect(clear.tlsCipher == nil)
        #expect(try serverCipher(clear) == "")
    }

    @Test func disabledConnectsInClearTextToATLSServer() throws {
        let connection = try MariaDBConnection(source(.disabled, ca: nil))
        #expect(connection.tlsCipher == nil)
        #expect(try serverCipher(connection) == "")
    }

    @Test(arguments: [ConnectionTLS.Mode.required, .verifyCA, .verifyIdentity])
    func aModeThatRequiresTLSRefusesAServerWithout(_ mode: ConnectionTLS.Mode) throws {
        let error = try #require(failure(try plain(mode)))
        #expect(error.code == 2026)
        #expect(error.description.contains("TLS") || error.description.contains("SSL"), "\(error)")
    }

    @Test func verifyCAChecksTheChainButNotTheName() throws {
        // The target's certificate names other-host.invalid, not 127.0.0.1: the chain alone is checked.
        let connection = try MariaDBConnection(target(.verifyCA))
        #expect(try serverCipher(connection) == connection.tlsCipher)
        let error = try #require(failure(target(.verifyCA, ca: TestTLS.file("other-ca.pem"))))
        #expect(error.code == 2026, "\(error)")
    }

    @Test func verifyIdentityRefusesACertificateForAnotherHost() throws {
        #expect(try MariaDBConnection(source(.verifyIdentity)).tlsCipher != nil)
        let error = try #require(failure(target(.verifyIdentity)))
        #expect(error.code == 2026, "\(error)")
    }

    @Test func disabledIsRefusedByAnAccountThatRequiresTLS() throws {
        let admin = try TestServer.connect()
        let user = "tm_tls_only_\(UInt32.random(in: 0..<UInt32.max))"
        try admin.execute("CREATE USER '\(user)'@'127.0.0.1' IDENTIFIED BY 'tls-pw' REQUIRE SSL")
        defer { try? admin.execute("DROP USER '\(user)'@'127.0.0.1'") }
        var options = source(.disabled, ca: nil)
        options.user = user
        options.password = "tls-pw"
        let error = try #require(failure(options))
        #expect(error.code == 1045)
        #expect(error.description.contains("with tls mode disabled"), "\(error)")
        #expect(!error.description.contains("tls-pw"))
        options.tls = ConnectionTLS(mode: .verifyIdentity, caFile: TestTLS.caFile)
        #expect(try MariaDBConnection(options).tlsCipher != nil)
    }

    @Test func aClientCertificateIsPresented() throws {
        let admin = try TestServer.connect()
        let user = "tm_x509_\(UInt32.random(in: 0..<UInt32.max))"
        try admin.execute("CREATE USER '\(user)'@'127.0.0.1' IDENTIFIED BY 'x509-pw' REQUIRE SUBJECT '/CN=tm-client'")
        defer { try? admin.execute("DROP USER '\(user)'@'127.0.0.1'") }
        var options = source(.verifyIdentity)
        options.user = user
        options.password = "x509-pw"
        #expect(failure(options)?.code == 1045)
        options.tls.certFile = TestTLS.file("client.pem")
        options.tls.keyFile = TestTLS.file("client.key")
        #expect(try MariaDBConnection(options).tlsCipher != nil)
    }

    /// MySQL's RSA password exchange (caching_sha2_password without verified TLS) is allowed only with a server key
    /// source; MariaDB has no such account here, so what is checked live is that the options are taken and a
    /// mysql_native_password login over a clear connection is unchanged by them.
    @Test(arguments: [ServerPublicKey.file("/nonexistent/server-public-key.pem"), .requestedFromServer])
    func aServerKeySourceLeavesOtherLoginsAsTheyWere(key: ServerPublicKey) throws {
        var options = try plain(.preferred)
        options.serverPublicKey = key
        #expect(try MariaDBConnection(options).tlsCipher == nil)
        let withRSA = "mysql_native_password,client_ed25519,caching_sha2_password,sha256_password"
        #expect(ConnectionTLS(mode: .disabled).allowedPlugins(serverPublicKey: key) == withRSA)
        // Over TLS the plugin sends the password in clear over it: a key file does not allow it there.
        #expect(ConnectionTLS(mode: .required).allowedPlugins(serverPublicKey: key)
                == (key == .requestedFromServer ? withRSA : "mysql_native_password,client_ed25519"))
        #expect(ConnectionTLS(mode: .required).allowedPlugins(serverPublicKey: nil) == "mysql_native_password,client_ed25519")
        #expect(ConnectionTLS(mode: .verifyIdentity).allowedPlugins(serverPublicKey: nil) == nil)
    }

    @Test func theBinlogStreamIsEncryptedToo() throws {
        let stream = try BinlogStream(source(.verifyIdentity), request: BinlogStreamRequest(
            start: .position(file: try TestServer.currentPosition(TestServer.connect()).file, offset: 4),
            serverID: 7000 + UInt32.random(in: 0..<1000), heartbeatSeconds: 1))
        #expect(stream.connection.tlsCipher != nil)
        _ = try stream.next()
    }
}
