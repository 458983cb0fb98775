import ArgumentParser
import MariaDBClient
import TablemirrorEngine

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List, retry or discard the changes targets refused (mappings with on_error: dead-letter).",
        discussion: """
            retry puts the rows the letters touched right from the source as it is now, through the daemon at their \
            place in the stream, then removes the letters; fix what made the target refuse them first. \
            discard removes letters without applying anything.
            """)

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case list, retry, discard
    }

    @OptionGroup var options: OperatorOptions

    @Argument(help: "list, retry or discard.")
    var action: Action

    @Argument(help: "Letter ids (default: every letter of the selected targets; discard needs ids or --all).")
    var ids: [Int] = []

    @Option(help: "Only this target.")
    var target: String?

    @Flag(help: "With discard: every letter of the selected targets.")
    var all = false

    func run() throws {
        do {
            let (configuration, connections, plan) = try options.load()
            let targets = configuration.targets.filter { target == nil || $0.name == target }
            if let target, targets.isEmpty { throw ValidationError("no target named \(target)") }
            if action == .discard && ids.isEmpty && !all { throw ValidationError("discard needs letter ids, or --all") }
            var letters: [DeadLetterStore.Letter] = []
            for target in targets {
                guard let options = connections.targets[target.name] else { continue }
                let connection = try MariaDBConnection(options)
                try ControlSchema.ensure(connection)
                letters += try DeadLetterStore.list(target: target.name, ids: ids, on: connection)
            }
            switch action {
            case .list:
                if letters.isEmpty { print("no dead letters") }
                for letter in letters {
                    print("#\(letter.id) \(letter.target) \(letter.source) \(letter.operation) at \(letter.position)\(letter.gtid.map { " gtid \($0)" } ?? "") \(letter.createdAt): [\(letter.errorCode)] \(letter.error)")
                    print("    \(letter.change)")
                }
            case .retry:
                let requested = try DeadLetterActions.retry(letters, plan: plan, connections: connections)
                print("\(letters.count) letter(s): rows requested again for \(requested.count) table(s); the daemon applies them in stream order")
                _ = try CopyRequests.wait(for: requested, connections: connections, timeout: 600) { print($0) }
            case .discard:
                for target in targets {
                    guard let options = connections.targets[target.name] else { continue }
                    try DeadLetterStore.discard(target: target.name, ids: letters.filter { $0.target == target.name }.map(\.id),
                                                on: try MariaDBConnection(options))
                }
                print("discarded \(letters.count) letter(s)")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            printError("tablemirror dead-letters: \(error)")
            throw ExitCode.failure
        }
    }
}
