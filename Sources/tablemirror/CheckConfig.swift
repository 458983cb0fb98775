import ArgumentParser
import TablemirrorEngine

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print what would be replicated where.")

    @Argument(help: "The configuration file.")
    var file: String

    func run() throws {
        do {
            let configuration = try ConfigurationLoader.load(path: file)
            for line in ConfigurationLoader.describe(configuration) { print(line) }
        } catch {
            printError("tablemirror check-config: \(error)")
            throw ExitCode.failure
        }
    }
}
