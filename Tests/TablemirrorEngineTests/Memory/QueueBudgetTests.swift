import Testing
@testable import TablemirrorEngine

struct QueueBudgetTests {
    @Test func itemsComeInWhileTheirBytesFitTheBudget() {
        var budget = QueueBudget(items: 10, bytes: 1_000)
        #expect(budget.admits(600))
        budget.add(600)
        #expect(budget.admits(400))
        #expect(!budget.admits(401))
        budget.add(400)
        #expect(!budget.admits(1))
        budget.remove(600)
        #expect(budget.admits(600))
        #expect(budget.heldItems == 1 && budget.heldBytes == 400)
    }

    @Test func anItemLargerThanTheBudgetComesInAloneIntoAnEmptyQueue() {
        var budget = QueueBudget(items: 10, bytes: 1_000)
        #expect(budget.admits(64 << 20))
        budget.add(64 << 20)
        #expect(!budget.admits(1), "nothing may join an item that alone exceeds the budget")
        budget.remove(64 << 20)
        #expect(budget.admits(1))
    }

    @Test func theItemCountStillBounds() {
        var budget = QueueBudget(items: 2, bytes: 1 << 30)
        budget.add(1)
        budget.add(1)
        #expect(!budget.admits(1))
    }

    @Test func aBatchIsFullAtItsRowsOrItsBytes() {
        var rows = QueueBudget(items: 3, bytes: 1 << 20)
        for _ in 0..<3 { #expect(!rows.isFull); rows.add(10) }
        #expect(rows.isFull)
        rows.removeAll()
        #expect(!rows.isFull && rows.heldItems == 0 && rows.heldBytes == 0)
        var bytes = QueueBudget(items: 512, bytes: 1_000)
        bytes.add(20 << 20)
        #expect(bytes.isFull, "one large row fills a batch on its own")
    }
}
