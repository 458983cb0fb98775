import CXattr
import Foundation
import Testing
@testable import TablemirrorEngine

/// A secret file is private when nobody but its owner may read it; an ACL that lets only the reading user in
/// (systemd's `LoadCredential=` files) counts as private even though the mode then shows group bits.
struct PrivateFileAccessTests {
    /// Linux's `system.posix_acl_access` encoding: version 2, then (tag, permissions, id) little-endian.
    private func acl(_ entries: [(tag: UInt16, permissions: UInt16, id: UInt32)]) -> [UInt8] {
        var bytes: [UInt8] = [2, 0, 0, 0]
        for entry in entries {
            bytes += [UInt8(entry.tag & 0xFF), UInt8(entry.tag >> 8), UInt8(entry.permissions & 0xFF), UInt8(entry.permissions >> 8)]
            bytes += (0..<4).map { UInt8((entry.id >> (8 * UInt32($0))) & 0xFF) }
        }
        return bytes
    }

    private let undefined = UInt32.max
    private let service: uid_t = 997

    /// systemd's credential: owner read, the service's user read, owning group nothing, mask read, others nothing.
    private var credentialACL: [(tag: UInt16, permissions: UInt16, id: UInt32)] {
        [(0x01, 4, undefined), (0x02, 4, UInt32(service)), (0x04, 0, undefined), (0x10, 4, undefined), (0x20, 0, undefined)]
    }

    @Test func plainModesAreJudgedByTheirGroupAndOtherBits() {
        #expect(PrivateFileAccess.isPrivate(mode: 0o100600, accessACL: nil, reader: service))
        #expect(PrivateFileAccess.isPrivate(mode: 0o100400, accessACL: nil, reader: service))
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100640, accessACL: nil, reader: service))
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100604, accessACL: nil, reader: service))
    }

    @Test func aCredentialReadableOnlyByTheReadingUserIsPrivate() {
        #expect(PrivateFileAccess.isPrivate(mode: 0o100440, accessACL: acl(credentialACL), reader: service))
    }

    @Test func anACLLettingAnotherUserAGroupOrOthersReadIsNot() {
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100440, accessACL: acl(credentialACL), reader: 1000), "another named user")
        var owningGroup = credentialACL
        owningGroup[2].permissions = 4
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100440, accessACL: acl(owningGroup), reader: service))
        let namedGroup = credentialACL + [(0x08, 4, 50)]
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100440, accessACL: acl(namedGroup), reader: service))
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100444, accessACL: acl(credentialACL), reader: service), "others' bits")
    }

    @Test func aMalformedACLIsNotTrusted() {
        let bytes = acl(credentialACL)
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100440, accessACL: Array(bytes.dropLast()), reader: service))
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100440, accessACL: [1, 0, 0, 0] + bytes.dropFirst(4), reader: service))
        #expect(!PrivateFileAccess.isPrivate(mode: 0o100440, accessACL: [], reader: service))
    }

    /// The same file as systemd makes it, where the file system takes ACLs: SecretSource reads it.
    @Test func secretSourceReadsAFileWhoseACLAdmitsOnlyItsReader() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tm-credential-\(UUID().uuidString)").path
        try "pw\n".write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: path)
        var entries = credentialACL
        entries[1].id = UInt32(geteuid())
        let value = acl(entries)
        let written = value.withUnsafeBytes { setxattr(path, "system.posix_acl_access", $0.baseAddress, $0.count, 0) }
        guard written == 0 else {
            print("secretSourceReadsAFileWhoseACLAdmitsOnlyItsReader: skipped, \(path)'s file system takes no ACL (errno \(errno))")
            return
        }
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o440, "the mask shows as the group's bits")
        #expect(try SecretSource(environmentVariable: nil, file: path).resolve() == "pw")
        entries[1].id = UInt32(geteuid()) &+ 1
        _ = acl(entries).withUnsafeBytes { setxattr(path, "system.posix_acl_access", $0.baseAddress, $0.count, 0) }
        #expect(throws: EngineError.self) { try SecretSource(environmentVariable: nil, file: path).resolve() }
    }
}
