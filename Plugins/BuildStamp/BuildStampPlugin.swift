import Foundation
import PackagePlugin

/// Stamps the CLI with the git commit it is built from (`tablemirror --version`), by running
/// scripts/lib/build-stamp.sh.
///
/// A build command, not a prebuild command: SwiftPM skips prebuild commands on builds where it reuses its cached
/// build plan (swiftlang/swift-package-manager#5476), which left a binary naming the commit before the last one.
/// A build command runs whenever one of its inputs changed, so the inputs are what moves when the commit or the
/// tree does: git's HEAD, the branch it names, packed-refs and the index (rewritten by `git add`, commit,
/// checkout, reset), and every source file of the package (an edit makes the tree dirty). An edit to a file
/// that is not a source (README.md) does not re-stamp until one of those changes; it does not change the binary.
@main
struct BuildStampPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildStamp.swift")
        let script = package.appending(path: "scripts/lib/build-stamp.sh")
        var inputs = [script, package.appending(path: "Package.swift")] + Self.gitFiles(package)
        for module in context.package.targets.compactMap(\.sourceModule) {
            inputs += module.sourceFiles.map(\.url)
        }
        return [
            .buildCommand(
                displayName: "Stamping \(target.name) with its git commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [script.path, package.path, output.deletingLastPathComponent().path],
                inputFiles: inputs,
                outputFiles: [output]),
        ]
    }

    /// The git files whose change means another commit or another index, those that exist now. `.git` is a
    /// directory, or (a worktree) a file naming the directory, whose `commondir` holds refs shared with the
    /// main checkout. Nothing when the package is not a checkout.
    static func gitFiles(_ package: URL) -> [URL] {
        let dotGit = package.appending(path: ".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return [] }
        var gitDirectory = dotGit
        if !isDirectory.boolValue {
            guard let text = try? String(contentsOf: dotGit, encoding: .utf8), text.hasPrefix("gitdir:") else { return [] }
            let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            gitDirectory = path.hasPrefix("/") ? URL(fileURLWithPath: path) : package.appending(path: path)
        }
        var commonDirectory = gitDirectory
        if let text = try? String(contentsOf: gitDirectory.appending(path: "commondir"), encoding: .utf8) {
            let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
            commonDirectory = path.hasPrefix("/") ? URL(fileURLWithPath: path) : gitDirectory.appending(path: path)
        }
        var files = [gitDirectory.appending(path: "HEAD"), gitDirectory.appending(path: "index"),
                     commonDirectory.appending(path: "packed-refs")]
        if let head = try? String(contentsOf: gitDirectory.appending(path: "HEAD"), encoding: .utf8), head.hasPrefix("ref:") {
            let reference = head.dropFirst("ref:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            if !reference.contains("..") { files.append(commonDirectory.appending(path: reference)) }
        }
        return files.map(\.standardizedFileURL).filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
