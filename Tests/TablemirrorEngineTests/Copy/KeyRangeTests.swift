import Testing
@testable import TablemirrorEngine

struct KeyRangeTests {
    @Test func afterSpellsOutEachKeyPrefix() {
        #expect(KeyRange.after(["`a`"], ["5"]) == "((`a` > 5))")
        #expect(KeyRange.after(["`a`", "`b`"], ["5", "'x'"]) == "((`a` > 5) OR (`a` = 5 AND `b` > 'x'))")
    }

    @Test func betweenIsOpenBelowAndClosedAbove() {
        #expect(KeyRange.between(["`id`"], after: nil, upTo: nil) == nil)
        #expect(KeyRange.between(["`id`"], after: ["10"], upTo: ["20"]) == "((`id` > 10)) AND NOT ((`id` > 20))")
        #expect(KeyRange.between(["`id`"], after: nil, upTo: ["20"]) == "NOT ((`id` > 20))")
    }

    @Test func amongListsKeyTuples() {
        #expect(KeyRange.among(["`a`", "`b`"], [["1", "'x'"], ["2", "'y'"]]) == "(`a`, `b`) IN ((1, 'x'), (2, 'y'))")
    }
}
