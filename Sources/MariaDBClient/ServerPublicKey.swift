import CMariaDB

/// Where MySQL's `caching_sha2_password` (the 8.x default) and `sha256_password` get the server's RSA key, to send
/// the password encrypted on a connection without TLS — their full exchange otherwise needs a TLS connection whose
/// certificate names the host (`tls.mode: verify_identity`), as tablemirror never lets a password leave in a form
/// the other end can read back unless it has proved who it is. libmariadb's plugin (a separate
/// caching_sha2_password.so of libmariadb3) uses a configured key file, and asks the server for its key when none
/// is configured (it has no option to forbid that: `ConnectionTLS.allowedPlugins` forbids the plugin instead).
public enum ServerPublicKey: Sendable, Equatable {
    /// A PEM file with the server's public key, the operator's own copy (`server_public_key_file`): only the server
    /// holding the private key can read the password.
    case file(String)
    /// Asked of the server when the exchange needs it (`get_server_public_key: true`, as MySQL's client option):
    /// whoever answers supplies the key, so a man in the middle could read the password. For trusted networks.
    case requestedFromServer

    /// The plugins that may authenticate once a key source is configured, beside the password-hiding ones.
    static let rsaExchangePlugins = "caching_sha2_password,sha256_password"

    /// Sets the key file on a handle before mysql_real_connect (the plugin asks the server for the key when none
    /// is set); false when libmariadb refused it.
    func apply(to handle: UnsafeMutablePointer<MYSQL>) -> Bool {
        guard case let .file(path) = self else { return true }
        return mysql_options(handle, MYSQL_SERVER_PUBLIC_KEY, path) == 0
    }
}
