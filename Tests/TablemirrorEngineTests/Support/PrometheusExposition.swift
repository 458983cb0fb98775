import Foundation

/// The series of a Prometheus text exposition, reduced to what a query can refer to: each metric name as it
/// appears on a sample line (a histogram's `_bucket`, `_sum` and `_count` each count) and the label names its
/// series carry. Comment lines (`# HELP`, `# TYPE`) and values are ignored.
struct PrometheusExposition {
    /// Metric name → every label name any of its series has.
    private(set) var labels: [String: Set<String>] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
            let characters = Array(line)
            var index = 0
            while index < characters.count, characters[index] != "{", characters[index] != " " { index += 1 }
            let name = String(characters[..<index])
            guard !name.isEmpty else { throw ExpositionError("a sample without a name: \(line)") }
            var names = labels[name] ?? []
            if index < characters.count, characters[index] == "{" {
                names.formUnion(try Self.labelNames(characters, from: index + 1, line: String(line)))
            }
            labels[name] = names
        }
    }

    var metricNames: Set<String> { Set(labels.keys) }

    /// The names in `{name="value",…}` from just after the brace; values may hold `\"`, `\\` and `\n`.
    private static func labelNames(_ characters: [Character], from start: Int, line: String) throws -> Set<String> {
        var names: Set<String> = []
        var index = start
        while index < characters.count, characters[index] != "}" {
            let nameStart = index
            while index < characters.count, characters[index] != "=" { index += 1 }
            names.insert(String(characters[nameStart..<index]).trimmingCharacters(in: .whitespaces))
            index += 1
            guard index < characters.count, characters[index] == "\"" else { throw ExpositionError("a label value without quotes: \(line)") }
            index += 1
            while index < characters.count, characters[index] != "\"" { index += characters[index] == "\\" ? 2 : 1 }
            index += 1
            if index < characters.count, characters[index] == "," { index += 1 }
        }
        guard index < characters.count else { throw ExpositionError("labels without their closing brace: \(line)") }
        return names
    }
}

struct ExpositionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
