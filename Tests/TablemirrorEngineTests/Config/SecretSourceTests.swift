import Foundation
import Testing
@testable import TablemirrorEngine

/// A named secret must be there: an unset variable or an empty file is an error, never "no password"; a file
/// others may read is refused unless the configuration allows it.
@Suite(.serialized)
struct SecretSourceTests {
    private func file(_ contents: String, mode: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tm-secret-\(UUID().uuidString)").path
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func anUnsetOrEmptyVariableIsAnError() throws {
        let name = "TM_TEST_UNSET_\(UInt32.random(in: 0..<UInt32.max))"
        #expect(throws: EngineError.self) { try SecretSource(environmentVariable: name, file: nil).resolve() }
        setenv(name, "", 1)
        defer { unsetenv(name) }
        #expect(throws: EngineError.self) { try SecretSource(environmentVariable: name, file: nil).resolve() }
        setenv(name, "pw", 1)
        #expect(try SecretSource(environmentVariable: name, file: nil).resolve() == "pw")
        #expect(try SecretSource(environmentVariable: nil, file: nil).resolve() == nil)
    }

    @Test func aFileOthersMayReadIsRefusedUnlessAllowed() throws {
        let loose = try file("pw\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: loose) }
        #expect {
            try SecretSource(environmentVariable: nil, file: loose).resolve()
        } throws: { error in
            "\(error)".contains("group or others") && !"\(error)".contains("pw\n")
        }
        var allowed = SecretSource(environmentVariable: nil, file: loose)
        allowed.allowInsecurePermissions = true
        #expect(try allowed.resolve() == "pw")
        let tight = try file("pw\r\nignored\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: tight) }
        #expect(try SecretSource(environmentVariable: nil, file: tight).resolve() == "pw")
    }

    @Test func anEmptyFileIsAnError() throws {
        let empty = try file("\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: EngineError.self) { try SecretSource(environmentVariable: nil, file: empty).resolve() }
    }

    @Test func theConfigurationAppliesItsPolicyToEverySecret() throws {
        let loose = try file("pw\n", mode: 0o640)
        defer { try? FileManager.default.removeItem(atPath: loose) }
        let yaml = { (allow: Bool) in
            """
            source: { user: r, password_file: \(loose) }
            targets: { t: { user: m, password_file: \(loose), database: d } }
            mappings: [ { source: a.b, targets: [t] } ]
            \(allow ? "allow_insecure_permissions: true" : "")
            """
        }
        #expect(throws: EngineError.self) { try ConfigurationParser(file: "c.yaml").parse(yaml(false)).checkSecrets() }
        try ConfigurationParser(file: "c.yaml").parse(yaml(true)).checkSecrets()
    }

    @Test func rowFiltersMustBeOneConditionOnTheRow() {
        #expect(RowFilter.problem(in: "warehouse_id = 105 AND name <> 'a;b'") == nil)
        for bad in ["1=1; DROP TABLE x", "id IN (SELECT id FROM secrets)", "(a = 1", "a = 1)", "@x := 1", "1=1 UNION SELECT 1"] {
            #expect(RowFilter.problem(in: bad) != nil, "\(bad)")
        }
    }
}
