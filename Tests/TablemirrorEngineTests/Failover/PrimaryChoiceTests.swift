import Testing
@testable import TablemirrorEngine

struct PrimaryChoiceTests {
    private func probe(_ server: String, _ answer: PrimaryChoice.Probe.Answer) -> PrimaryChoice.Probe {
        PrimaryChoice.Probe(server: server, answer: answer)
    }

    private let primary = PrimaryChoice.Probe.Answer.answered(readOnly: false, logBin: true)
    private let replica = PrimaryChoice.Probe.Answer.answered(readOnly: true, logBin: true)

    @Test func theOneServerTakingAndLoggingWritesIsThePrimaryWhereverItIsListed() {
        #expect(PrimaryChoice.choose([probe("a", replica), probe("b", primary)]) == .primary(index: 1))
        #expect(PrimaryChoice.choose([probe("a", .unreachable("gone")), probe("b", replica), probe("c", primary)]) == .primary(index: 2))
    }

    @Test func noPrimarySaysWhatEachServerWas() {
        let choice = PrimaryChoice.choose([probe("a", .unreachable("Can't connect")), probe("b", replica),
                                           probe("c", .answered(readOnly: false, logBin: false))])
        guard case let .none(reason) = choice else { Issue.record("\(choice)"); return }
        #expect(reason.contains("a: unreachable (Can't connect)"))
        #expect(reason.contains("b: read_only"))
        #expect(reason.contains("c: log_bin off"))
    }

    @Test func twoWritableServersAreNoAnswerRatherThanAGuess() {
        guard case let .none(reason) = PrimaryChoice.choose([probe("a", primary), probe("b", primary)]) else {
            Issue.record("chose one of two writable servers"); return
        }
        #expect(reason.contains("a, b"))
    }
}
