import CMariaDB

/// How a connection uses TLS. What libmariadb 3.3 (Debian 12) does with its options, as tested against MariaDB
/// 10.11 (the live tests in TLSConnectionTests check each line):
/// - no TLS option at all: clear text even when the server offers TLS;
/// - MYSQL_OPT_SSL_ENFORCE alone: TLS when the server offers it, *clear text when it does not* (no error), and the
///   server's certificate is not checked;
/// - MYSQL_OPT_SSL_CA: the chain is checked against that file whenever TLS is used (not the host name), but a
///   server without TLS is still reached in clear text;
/// - MYSQL_OPT_SSL_VERIFY_SERVER_CERT: chain *and* host name checked, and a server without TLS is refused before
///   authenticating.
/// So `required` and `verify_ca` are enforced by `MariaDBConnection` itself: after connecting, a connection that
/// has no cipher is closed before any statement is sent (the authentication exchange has happened by then, which
/// for mysql_native_password carries a scramble, not the password).
public struct ConnectionTLS: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Never TLS.
        case disabled
        /// TLS when the server offers it, clear text otherwise; the certificate is not checked (unless a CA is given).
        case preferred
        /// TLS or no connection; the certificate is not checked (unless a CA is given).
        case required
        /// TLS, with the server's certificate chain checked against `caFile`.
        case verifyCA = "verify_ca"
        /// As verify_ca, and the certificate must name the host connected to.
        case verifyIdentity = "verify_identity"
    }

    public var mode: Mode
    /// PEM file of the authorities trusted for the server's certificate (required by the verify modes).
    public var caFile: String?
    /// PEM client certificate and its key, for servers that want one (`REQUIRE X509`).
    public var certFile: String?
    public var keyFile: String?

    public init(mode: Mode = .preferred, caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.mode = mode
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }

    /// Authentication plugins whose exchange never reveals the password, whatever the other end asks: not
    /// `mysql_clear_password` or `dialog`, nor `caching_sha2_password`/`sha256_password`, whose full exchange
    /// sends it in clear over TLS or encrypted with a key the other end chooses.
    static let passwordHidingPlugins = "mysql_native_password,client_ed25519"

    /// Whether a connection without TLS must be refused.
    public var requiresEncryption: Bool { mode != .disabled && mode != .preferred }

    /// Said with a failed connection when TLS was off: a server or account that requires TLS refuses such a
    /// connection with a plain "Access denied" or "insecure transport".
    var connectingNote: String { mode == .disabled ? " with tls mode disabled" : "" }

    /// The authentication plugins a connection may use: all of them once the server's certificate is checked
    /// before the login; otherwise a man in the middle may have answered and may ask for the password itself, so
    /// only plugins that never send it — and the RSA exchanges where the operator chose them: with the server's key
    /// from a file on a connection without TLS (with TLS, libmariadb's caching_sha2_password sends the password in
    /// clear over it, key or not), or with the key asked of the server (the operator accepting that risk).
    func allowedPlugins(serverPublicKey: ServerPublicKey?) -> String? {
        guard mode != .verifyIdentity else { return nil }
        switch serverPublicKey {
        case .requestedFromServer?: return Self.passwordHidingPlugins + "," + ServerPublicKey.rsaExchangePlugins
        case .file? where mode == .disabled: return Self.passwordHidingPlugins + "," + ServerPublicKey.rsaExchangePlugins
        default: return Self.passwordHidingPlugins
        }
    }

    /// Sets the options on a handle before mysql_real_connect; false when libmariadb refused one.
    func apply(to handle: UnsafeMutablePointer<MYSQL>, serverPublicKey: ServerPublicKey?) -> Bool {
        if let plugins = allowedPlugins(serverPublicKey: serverPublicKey),
           mysql_options(handle, MARIADB_OPT_RESTRICTED_AUTH, plugins) != 0 {
            return false
        }
        if let serverPublicKey, !serverPublicKey.apply(to: handle) { return false }
        guard mode != .disabled else { return tm_set_bool_option(handle, MYSQL_OPT_SSL_ENFORCE, 0) == 0 }
        var ok = tm_set_bool_option(handle, MYSQL_OPT_SSL_ENFORCE, 1) == 0
        // libmariadb checks the host name only together with the chain, under this one flag.
        ok = ok && tm_set_bool_option(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, mode == .verifyIdentity ? 1 : 0) == 0
        if let caFile { ok = ok && mysql_options(handle, MYSQL_OPT_SSL_CA, caFile) == 0 }
        if let certFile { ok = ok && mysql_options(handle, MYSQL_OPT_SSL_CERT, certFile) == 0 }
        if let keyFile { ok = ok && mysql_options(handle, MYSQL_OPT_SSL_KEY, keyFile) == 0 }
        return ok
    }
}
