import ArgumentParser

@main
struct Tablemirror: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tablemirror",
        abstract: "Replicates MySQL/MariaDB tables into other databases from the binlog.",
        version: Version.line,
        subcommands: [Run.self, Status.self, Resync.self, Reseed.self, Verify.self, Adopt.self, DeadLetters.self, Decode.self, CheckConfig.self])
}
