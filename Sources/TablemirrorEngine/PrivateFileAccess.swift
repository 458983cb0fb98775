#if canImport(Glibc)
import Glibc
#endif
import CXattr

/// Whether a secret file is private: nobody but its owner (and root) may read it — the rule `SecretSource`
/// applies, as ssh does to a private key.
///
/// The mode's group bits alone can say "group may read" when nobody but us may: a file with a POSIX access ACL
/// shows the ACL's mask there. systemd hands a service its credentials (`LoadCredential=`) that way on
/// file systems with ACLs: mode 0400, owned by root, plus an entry letting the service's user read it, so
/// `ls -l` shows 0440 although the owning group may not read. So when the mode's group bits are set and the
/// file has an ACL, the ACL decides: private when neither the owning group, a named group nor others get any
/// permission, and every named user that gets one is the user reading it (`reader`, the effective uid).
/// The cases:
/// - others' bits set: not private (with or without an ACL, these are the `other` entry);
/// - group bits clear: private;
/// - group bits set, no ACL (or one that cannot be read): not private;
/// - group bits set, an ACL: as described above.
enum PrivateFileAccess {
    /// Entry tags and the version of Linux's `system.posix_acl_access` value (linux/posix_acl_xattr.h).
    private static let version: UInt32 = 2
    private static let groupObject: UInt16 = 0x04, namedUser: UInt16 = 0x02, namedGroup: UInt16 = 0x08, other: UInt16 = 0x20

    static func isPrivate(mode: mode_t, accessACL: [UInt8]?, reader: uid_t) -> Bool {
        if mode & 0o007 != 0 { return false }
        if mode & 0o070 == 0 { return true }
        guard let accessACL, let entries = entries(of: accessACL) else { return false }
        for entry in entries where entry.permissions != 0 {
            switch entry.tag {
            case groupObject, namedGroup, other: return false
            case namedUser where entry.id != reader: return false
            default: continue
            }
        }
        return true
    }

    /// The ACL of an open file, nil when it has none (or the file system has no ACLs).
    static func accessACL(ofDescriptor descriptor: Int32) -> [UInt8]? {
        read { fgetxattr(descriptor, "system.posix_acl_access", $0, $1) }
    }

    static func accessACL(ofPath path: String) -> [UInt8]? {
        read { getxattr(path, "system.posix_acl_access", $0, $1) }
    }

    private static func read(_ get: (UnsafeMutableRawPointer?, Int) -> Int) -> [UInt8]? {
        let size = get(nil, 0)
        guard size > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        let read = bytes.withUnsafeMutableBytes { get($0.baseAddress, $0.count) }
        guard read > 0 else { return nil }
        return Array(bytes.prefix(read))
    }

    private struct Entry { var tag: UInt16; var permissions: UInt16; var id: UInt32 }

    /// A 4-byte version, then 8-byte entries (tag, permissions, id), little-endian. nil when malformed.
    private static func entries(of bytes: [UInt8]) -> [Entry]? {
        func integer(_ offset: Int, _ width: Int) -> UInt32 {
            (0..<width).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
        }
        guard bytes.count >= 4, (bytes.count - 4) % 8 == 0, integer(0, 4) == version else { return nil }
        return stride(from: 4, to: bytes.count, by: 8).map {
            Entry(tag: UInt16(integer($0, 2)), permissions: UInt16(integer($0 + 2, 2)), id: integer($0 + 4, 4))
        }
    }
}
