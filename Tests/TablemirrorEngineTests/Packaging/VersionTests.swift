import Foundation
import Testing

/// `tablemirror --version` names the commit the binary was built from, stamped by the BuildStamp plugin
/// (scripts/lib/build-stamp.sh), and says "unknown" rather than guess when there is no checkout or no git.
@Suite("Version")
struct VersionTests {
    @Test(.enabled(if: DaemonProcess.isBuilt))
    func versionNamesTheCommitOfTheCheckoutItWasBuiltFrom() throws {
        let (status, output) = try Packaging.run(DaemonProcess.binary, ["--version"])
        #expect(status == 0, "\(output)")
        #expect(output.hasPrefix("tablemirror "), "\(output)")
        guard let git = Packaging.which("git"),
              case let (0, head) = try Packaging.run(git, ["-C", Packaging.root, "rev-parse", "--short", "HEAD"]) else {
            print("versionNamesTheCommitOfTheCheckoutItWasBuiltFrom: no git checkout at \(Packaging.root); only the format is checked")
            #expect(output.contains("(commit "), "\(output)")
            return
        }
        let commit = head.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(output.contains("(commit \(commit), built from a clean tree)") || output.contains("(commit \(commit)-dirty,"),
                "the binary does not name HEAD \(commit): \(output)")
    }

    @Test func theStampSaysUnknownOutsideACheckout() throws {
        let directory = try Packaging.temporaryDirectory("tm-stamp")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try Packaging.run("/bin/sh", ["\(Packaging.root)/scripts/lib/build-stamp.sh", directory, "\(directory)/out"])
        #expect(status == 0, "\(output)")
        let stamp = try String(contentsOfFile: "\(directory)/out/BuildStamp.swift", encoding: .utf8)
        #expect(stamp.contains(#"static let commit = "unknown""#) && stamp.contains(#"static let tree = "unknown""#), "\(stamp)")
    }

    /// Without git on PATH the stamp is "unknown" too, and the build goes on.
    @Test func theStampSaysUnknownWithoutGit() throws {
        let directory = try Packaging.temporaryDirectory("tm-stamp-nogit")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A PATH with the tools the script uses, and no git.
        let tools = "\(directory)/bin"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        for tool in ["mkdir", "cat", "cmp", "mv", "rm", "grep"] {
            guard let found = Packaging.which(tool) else { continue }
            try FileManager.default.createSymbolicLink(atPath: "\(tools)/\(tool)", withDestinationPath: found)
        }
        let (status, output) = try Packaging.run("/bin/sh", ["\(Packaging.root)/scripts/lib/build-stamp.sh", Packaging.root, "\(directory)/out"],
                                                 environment: ["PATH": tools])
        #expect(status == 0, "\(output)")
        let stamp = try String(contentsOfFile: "\(directory)/out/BuildStamp.swift", encoding: .utf8)
        #expect(stamp.contains(#"static let commit = "unknown""#), "\(stamp)")
    }
}
