import Foundation
import MariaDBClient
import Testing
@testable import TablemirrorEngine

/// The `tls:` keys of source and targets, and `admin.tls`.
struct ConfigurationParserTLSTests {
    private func parse(source: String = "", target: String = "", admin: String = "") throws(ConfigurationError) -> Configuration {
        try ConfigurationParser(file: "conf/tls.yaml").parse("""
            source: { user: repl\(source) }
            targets:
              orders:
                user: mirror
                database: orders
            \(target)
            mappings: [{ source: product.items, targets: [orders] }]
            \(admin)
            """)
    }

    private func error(source: String = "", target: String = "", admin: String = "") -> ConfigurationError? {
        do {
            _ = try parse(source: source, target: target, admin: admin)
            return nil
        } catch {
            return error
        }
    }

    @Test func tlsIsPreferredUnlessConfigured() throws {
        let configuration = try parse()
        #expect(configuration.source.server.tls == ConnectionTLS(mode: .preferred))
        #expect(try configuration.source.server.connectionOptions().tls.mode == .preferred)
        #expect(configuration.admin.tls == nil)
        #expect(configuration.admin.baseURL == "http://127.0.0.1:8477")
    }

    @Test func everyModeAndFileReachesTheConnectionOptions() throws {
        let configuration = try parse(
            source: ", tls: { mode: verify_identity, ca_file: /etc/tm/ca.pem, cert_file: /etc/tm/c.pem, key_file: /etc/tm/c.key }",
            target: "    tls: { mode: verify_ca, ca_file: /etc/tm/ca.pem }")
        let source = try configuration.source.server.connectionOptions().tls
        #expect(source == ConnectionTLS(mode: .verifyIdentity, caFile: "/etc/tm/ca.pem", certFile: "/etc/tm/c.pem", keyFile: "/etc/tm/c.key"))
        #expect(try configuration.targets.first?.server.connectionOptions().tls == ConnectionTLS(mode: .verifyCA, caFile: "/etc/tm/ca.pem"))
        // The key file is a secret: a missing (or loose) one stops every command before it connects.
        #expect(throws: EngineError.self) { try Replicator.Connections(configuration) }
        for mode in ["disabled", "preferred", "required"] {
            #expect(try parse(source: ", tls: { mode: \(mode) }").source.server.tls.mode.rawValue == mode)
        }
    }

    @Test func aServerKeyForMySQLsRSAExchangeReachesTheConnectionOptions() throws {
        #expect(try parse().source.server.connectionOptions().serverPublicKey == nil)
        #expect(error(source: ", server_public_key_file: /etc/tm/mysql-public.pem")?.description.contains("tls.mode: disabled") == true)
        let byFile = try parse(source: ", server_public_key_file: /etc/tm/mysql-public.pem, tls: { mode: disabled }")
        #expect(try byFile.source.server.connectionOptions().serverPublicKey == .file("/etc/tm/mysql-public.pem"))
        let asked = try parse(target: "    get_server_public_key: true")
        #expect(try asked.targets.first?.server.connectionOptions().serverPublicKey == .requestedFromServer)
        #expect(error(source: ", server_public_key_file: /k.pem, get_server_public_key: true, tls: { mode: disabled }")?.description.contains("not both") == true)
        #expect(error(source: ", get_server_public_key: maybe")?.key == "source.get_server_public_key")
    }

    /// libmariadb asks the server for its key when the file cannot be read: a file named must be there.
    @Test func aServerKeyFileMustHoldAPublicKey() throws {
        let missing = try parse(source: ", server_public_key_file: /nonexistent/mysql-public.pem, tls: { mode: disabled }")
        #expect(throws: EngineError.self) { try Replicator.Connections(missing) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tm-public-\(UInt32.random(in: 0..<UInt32.max)).pem").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "not a key\n".write(toFile: path, atomically: true, encoding: .utf8)
        let wrong = try parse(source: ", server_public_key_file: \(path), tls: { mode: disabled }")
        #expect(throws: EngineError.self) { try Replicator.Connections(wrong) }
        try "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n".write(toFile: path, atomically: true, encoding: .utf8)
        _ = try Replicator.Connections(try parse(source: ", server_public_key_file: \(path), tls: { mode: disabled }"))
    }

    @Test func anUnknownModeNamesTheKeyAndTheModes() {
        let error = error(target: "    tls: { mode: verify }")
        #expect(error?.key == "targets.orders.tls.mode")
        #expect(error?.line == 6)
        #expect(error?.description.contains("'verify' is not one of: disabled, preferred, required, verify_ca, verify_identity") == true)
    }

    @Test func verifyModesWantACAFile() {
        for mode in ["verify_ca", "verify_identity"] {
            let error = error(source: ", tls: { mode: \(mode) }")
            #expect(error?.key == "source.tls.ca_file")
            #expect(error?.line == 1)
            #expect(error?.file == "conf/tls.yaml")
        }
    }

    @Test func aCertificateWantsItsKeyAndTheOtherWayRound() {
        #expect(error(source: ", tls: { mode: required, cert_file: /c.pem }")?.key == "source.tls.key_file")
        #expect(error(source: ", tls: { mode: required, key_file: /c.key }")?.key == "source.tls.cert_file")
        #expect(error(source: ", tls: { mode: disabled, ca_file: /ca.pem }")?.key == "source.tls.mode")
        #expect(error(source: ", tls: { mode: required, ca: /ca.pem }")?.key == "source.tls.ca")
    }

    @Test func adminTLSServesHTTPSAndIsRequiredOffLoopback() throws {
        let admin = try parse(admin: "admin: { listen: \"0.0.0.0:9000\", token_env: T, tls: { cert_file: /a.pem, key_file: /a.key, ca_file: /ca.pem } }").admin
        #expect(admin.tls == Configuration.Admin.AdminTLS(certFile: "/a.pem", keyFile: "/a.key", caFile: "/ca.pem"))
        #expect(admin.baseURL == "https://127.0.0.1:9000")
        let missing = error(admin: "admin: { listen: \"0.0.0.0:9000\", token_env: T }")
        #expect(missing?.key == "admin.tls")
        #expect(missing?.line == 8)
        #expect(error(admin: "admin: { listen: \"10.0.0.5:9000\", tls: { cert_file: /a.pem, key_file: /a.key } }")?.key == "admin.token_env")
        #expect(error(admin: "admin: { tls: { cert_file: /a.pem } }")?.key == "admin.tls.key_file")
        #expect(try parse(admin: "admin: { listen: \"127.0.0.1:9000\" }").admin.tls == nil)
    }
}
