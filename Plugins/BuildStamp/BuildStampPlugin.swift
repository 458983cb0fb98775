import Foundation
import PackagePlugin

/// Stamps the CLI with the git commit it is built from (`tablemirror --version`). A prebuild command, not a
/// build command: SwiftPM runs it before every build, so a new commit or an edit is seen even though no input
/// file of the plugin changed. The script rewrites its output only when the stamp changes.
@main
struct BuildStampPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "stamp")
        let packageDirectory = context.package.directoryURL
        return [
            .prebuildCommand(
                displayName: "Stamping \(target.name) with its git commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [packageDirectory.appending(path: "scripts/lib/build-stamp.sh").path, packageDirectory.path, output.path],
                outputFilesDirectory: output),
        ]
    }
}
