import Testing
@testable import TablemirrorEngine

struct LeaseDecisionTests {
    private func record(_ holder: String, epoch: UInt64, remaining: Double) -> LeaseRecord {
        LeaseRecord(holder: holder, epoch: epoch, remainingSeconds: remaining, since: 0)
    }

    @Test func aTargetWithoutALeaseIsTakenAtEpochOne() {
        #expect(LeaseDecision.next(me: "a", held: nil, record: nil, checkSeconds: 1) == .acquire(epoch: 1, from: nil))
    }

    @Test func theHolderRenewsWhatItHoldsEvenPastItsExpiryIfNobodyTookIt() {
        #expect(LeaseDecision.next(me: "a", held: 3, record: record("a", epoch: 3, remaining: 5), checkSeconds: 1) == .renew(epoch: 3))
        // A paused leader whose lease expired unnoticed still holds it: nobody else's epoch was written.
        #expect(LeaseDecision.next(me: "a", held: 3, record: record("a", epoch: 3, remaining: -9), checkSeconds: 1) == .renew(epoch: 3))
    }

    @Test func aStandbyWaitsForTheExpiryThenTakesOverWithTheNextEpoch() {
        let leader = record("b", epoch: 7, remaining: 0.4)
        #expect(LeaseDecision.next(me: "a", held: nil, record: leader, checkSeconds: 1) == .standBy(leader: leader, lookAgainIn: 0.4))
        let later = record("b", epoch: 7, remaining: 3)
        #expect(LeaseDecision.next(me: "a", held: nil, record: later, checkSeconds: 1) == .standBy(leader: later, lookAgainIn: 1))
        #expect(LeaseDecision.next(me: "a", held: nil, record: record("b", epoch: 7, remaining: 0), checkSeconds: 1)
            == .acquire(epoch: 8, from: "b"))
    }

    @Test func aHolderWhoseEpochMovedHasLostItWhoeverHoldsItNow() {
        #expect(LeaseDecision.next(me: "a", held: 3, record: record("b", epoch: 4, remaining: 8), checkSeconds: 1) == .lost(to: "b"))
        // Even a row naming us again with another epoch: another incarnation took it in between.
        #expect(LeaseDecision.next(me: "a", held: 3, record: record("a", epoch: 5, remaining: 8), checkSeconds: 1) == .lost(to: "a"))
        // A lease row gone (deleted by hand) while held: taken again, one epoch further than ours.
        #expect(LeaseDecision.next(me: "a", held: 3, record: nil, checkSeconds: 1) == .acquire(epoch: 4, from: nil))
    }

    @Test func aDaemonRestartedUnderItsOwnIdTakesItsExpiredLeaseBackWithoutCallingItATakeover() {
        #expect(LeaseDecision.next(me: "a", held: nil, record: record("a", epoch: 2, remaining: -1), checkSeconds: 1)
            == .acquire(epoch: 3, from: nil))
    }
}
