/// Which of the source's servers is its primary, decided from what each answered: the one server that takes
/// writes (`read_only` off) and logs them (`log_bin` on). None, or more than one, is no answer: reading the wrong
/// server's history would be worse than waiting, so the pipeline retries until exactly one qualifies.
enum PrimaryChoice: Equatable {
    case primary(index: Int)
    case none(reason: String)

    /// What one server answered.
    struct Probe: Equatable {
        enum Answer: Equatable {
            case unreachable(String)
            case answered(readOnly: Bool, logBin: Bool)
        }

        var server: String
        var answer: Answer
    }

    static func choose(_ probes: [Probe]) -> PrimaryChoice {
        let writable = probes.indices.filter { probes[$0].answer == .answered(readOnly: false, logBin: true) }
        if writable.count == 1 { return .primary(index: writable[0]) }
        if writable.count > 1 {
            let names = writable.map { probes[$0].server }.joined(separator: ", ")
            return .none(reason: "several source servers take writes (\(names)); reading from none until one of them is read_only")
        }
        let states = probes.map { probe in
            switch probe.answer {
            case let .unreachable(error): "\(probe.server): unreachable (\(error))"
            case .answered(readOnly: true, _): "\(probe.server): read_only"
            case .answered(readOnly: false, logBin: _): "\(probe.server): log_bin off"
            }
        }
        return .none(reason: "no source server is a primary (not read_only, log_bin on): " + states.joined(separator: "; "))
    }
}

/// No source server qualifies as the primary now (the pipeline waits and looks again).
struct NoPrimarySource: Error, CustomStringConvertible {
    var description: String
}
