import Foundation
import Testing
@testable import TablemirrorEngine

/// scripts/install.sh staged into a temporary DESTDIR with the binary the tests already built (no second,
/// release build): what lands where, with which modes, that an operator's configuration and secrets are left
/// alone, and that the unit passes `systemd-analyze verify` where systemd is installed.
@Suite("Install script", .serialized, .enabled(if: DaemonProcess.isBuilt))
struct InstallScriptTests {
    private let prefix = "/opt/tablemirror-test"

    private func install(into destination: String) throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["DESTDIR"] = destination
        return try Packaging.run("/bin/bash", ["\(Packaging.root)/scripts/install.sh", "--binary", DaemonProcess.binary, "--prefix", prefix],
                                 environment: environment)
    }

    @Test func installsBinaryUnitConfigurationAndCredentialsDirectoryWithTheirModes() throws {
        let destination = try Packaging.temporaryDirectory("tm-install")
        defer { try? FileManager.default.removeItem(atPath: destination) }
        let (status, output) = try install(into: destination)
        #expect(status == 0, "\(output)")
        #expect(!output.contains("created the system user"), "a staged install created a user: \(output)")

        let binary = "\(destination)\(prefix)/bin/tablemirror"
        #expect(Packaging.mode(binary) == 0o755)
        #expect(try Packaging.run(binary, ["--version"]).output.hasPrefix("tablemirror "))

        let unitPath = "\(destination)/etc/systemd/system/tablemirror.service"
        #expect(Packaging.mode(unitPath) == 0o644)
        let unit = try String(contentsOfFile: unitPath, encoding: .utf8)
        #expect(unit.contains("\nExecStart=\(prefix)/bin/tablemirror run --config /etc/tablemirror/tablemirror.yaml\n"), "\(unit)")
        #expect(unit.contains("\nUser=tablemirror\n") && unit.contains("\nLoadCredential=secret:/etc/tablemirror/credentials\n"))

        let config = "\(destination)/etc/tablemirror/tablemirror.yaml"
        #expect(Packaging.mode(config) == 0o640)
        #expect(FileManager.default.contentsEqual(atPath: config, andPath: "\(Packaging.root)/conf/tablemirror.service.yaml"))
        #expect(Packaging.mode("\(destination)/etc/tablemirror/credentials") == 0o700)
    }

    @Test func aSecondInstallKeepsTheConfigurationAndNeverShowsASecret() throws {
        let destination = try Packaging.temporaryDirectory("tm-reinstall")
        defer { try? FileManager.default.removeItem(atPath: destination) }
        #expect(try install(into: destination).status == 0)
        let config = "\(destination)/etc/tablemirror/tablemirror.yaml"
        let edited = "# the operator's own\nsource: { host: db.internal }\n"
        try edited.write(toFile: config, atomically: true, encoding: .utf8)
        let secret = "\(destination)/etc/tablemirror/credentials/source-password"
        let password = "pw-\(UUID().uuidString)"
        try (password + "\n").write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)

        let (status, output) = try install(into: destination)
        #expect(status == 0, "\(output)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == edited, "the configuration was replaced")
        #expect(FileManager.default.fileExists(atPath: config + ".example"))
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == password + "\n")
        #expect(Packaging.mode(secret) == 0o600)
        #expect(!output.contains(password) && !output.contains("source-password"), "\(output)")
    }

    /// systemd's own check of the unit as installed, with ExecStart pointed at the staged binary (verify wants
    /// it to exist). Any warning fails: verify exits 0 even for an unknown key.
    @Test func theInstalledUnitPassesSystemdAnalyzeVerify() throws {
        guard let analyze = Packaging.which("systemd-analyze") else {
            print("theInstalledUnitPassesSystemdAnalyzeVerify: skipped, systemd-analyze is not installed (apt-get install systemd)")
            return
        }
        let destination = try Packaging.temporaryDirectory("tm-verify")
        defer { try? FileManager.default.removeItem(atPath: destination) }
        #expect(try install(into: destination).status == 0)
        let unit = try String(contentsOfFile: "\(destination)/etc/systemd/system/tablemirror.service", encoding: .utf8)
            .replacingOccurrences(of: "ExecStart=\(prefix)/", with: "ExecStart=\(destination)\(prefix)/")
        let copy = "\(destination)/tablemirror.service"
        try unit.write(toFile: copy, atomically: true, encoding: .utf8)
        let (status, output) = try Packaging.run(analyze, ["verify", copy])
        #expect(status == 0 && output.isEmpty, "systemd-analyze verify: \(output)")
    }

    /// The service's example configuration is valid and takes its passwords from the credentials systemd
    /// hands the service.
    @Test func theServiceConfigurationReadsItsSecretsFromTheCredentialsDirectory() throws {
        let yaml = try String(contentsOfFile: "\(Packaging.root)/conf/tablemirror.service.yaml", encoding: .utf8)
        let configuration = try ConfigurationParser(file: "tablemirror.service.yaml").parse(yaml)
        let credentials = "/run/credentials/tablemirror.service/secret_"
        #expect(configuration.source.server.passwordFile == credentials + "source-password")
        #expect(configuration.targets.allSatisfy { $0.server.passwordFile?.hasPrefix(credentials) == true })
    }
}
