import CMariaDB

extension MariaDBConnection {
    /// The TLS cipher of this connection, or nil when it is not encrypted.
    public var tlsCipher: String? { Self.cipher(handle) }

    static func cipher(_ handle: UnsafeMutablePointer<MYSQL>) -> String? {
        mysql_get_ssl_cipher(handle).map { String(cString: $0) }
    }

    /// libmariadb 3.3 falls back to clear text under MYSQL_OPT_SSL_ENFORCE when the server offers no TLS; a mode
    /// that requires encryption refuses such a connection here, before any statement is sent on it.
    static func checkEncryption(_ handle: UnsafeMutablePointer<MYSQL>, options: ConnectionOptions) throws(MariaDBError) {
        guard options.tls.requiresEncryption, cipher(handle) == nil else { return }
        throw MariaDBError(code: 2026, sqlState: "HY000",
                           message: "the server did not offer TLS, and tls mode \(options.tls.mode.rawValue) requires it",
                           context: "connecting to \(options)")
    }
}
