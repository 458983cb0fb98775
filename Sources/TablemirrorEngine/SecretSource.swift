#if canImport(Glibc)
import Glibc
#endif

/// Where a password or token comes from: a file (its first line) or an environment variable. The value itself
/// is never logged or put into an error message. A source that is named must give a value: an unset variable
/// or an empty file is an error, never "no password". A file that group or others may read is refused, as ssh
/// refuses a private key, unless the configuration says `allow_insecure_permissions: true` (what counts as
/// readable, ACLs included: `PrivateFileAccess`).
public struct SecretSource: Sendable, Equatable {
    public var environmentVariable: String?
    public var file: String?
    public var allowInsecurePermissions = false

    public init(environmentVariable: String?, file: String?) {
        self.environmentVariable = environmentVariable
        self.file = file
    }

    public var isConfigured: Bool { environmentVariable != nil || file != nil }

    /// nil when neither source is set (connect without a password).
    public func resolve() throws(EngineError) -> String? {
        if let file {
            let value = try Self.firstLine(of: file, allowInsecurePermissions: allowInsecurePermissions)
            guard !value.isEmpty else { throw .io(path: file, detail: "the secret file is empty") }
            return value
        }
        if let environmentVariable {
            guard let value = getenv(environmentVariable), value.pointee != 0 else {
                throw .invalidArgument("the environment variable \(environmentVariable), named as a secret's source, is unset or empty")
            }
            return String(cString: value)
        }
        return nil
    }

    /// Refuses a private key file (TLS) that group or others may read, like a password file.
    public static func checkPrivateFile(_ path: String, allowInsecurePermissions: Bool) throws(EngineError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .io(path: path, detail: "cannot inspect the key file: \(String(cString: strerror(errno)))")
        }
        try checkMode(status.st_mode, acl: { PrivateFileAccess.accessACL(ofPath: path) }, of: path,
                      allowInsecurePermissions: allowInsecurePermissions)
    }

    private static func checkMode(_ mode: mode_t, acl: () -> [UInt8]?, of path: String, allowInsecurePermissions: Bool) throws(EngineError) {
        guard !allowInsecurePermissions, !PrivateFileAccess.isPrivate(mode: mode, accessACL: mode & 0o070 == 0 ? nil : acl(), reader: geteuid())
        else { return }
        throw .io(path: path, detail: "may be read by group or others (mode \(String(mode & 0o777, radix: 8))); "
                  + "chmod 600 it, or set allow_insecure_permissions: true")
    }

    private static func firstLine(of file: String, allowInsecurePermissions: Bool) throws(EngineError) -> String {
        guard let handle = fopen(file, "r") else {
            throw .io(path: file, detail: "cannot read the secret file: \(String(cString: strerror(errno)))")
        }
        defer { fclose(handle) }
        var status = stat()
        guard fstat(fileno(handle), &status) == 0 else {
            throw .io(path: file, detail: "cannot inspect the secret file: \(String(cString: strerror(errno)))")
        }
        try checkMode(status.st_mode, acl: { PrivateFileAccess.accessACL(ofDescriptor: fileno(handle)) }, of: file,
                      allowInsecurePermissions: allowInsecurePermissions)
        var bytes: [UInt8] = []
        while true {
            let next = getc(handle)
            if next == EOF || next == 0x0A { break }
            bytes.append(UInt8(truncatingIfNeeded: next))
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
