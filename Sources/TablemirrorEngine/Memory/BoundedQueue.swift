import Foundation

/// A blocking queue between two threads, bounded in items and in bytes (see `QueueBudget`): the producer waits
/// while it is full, so a slow consumer slows the producer and memory stays within the budget however large the
/// items; the consumer waits while it is empty.
/// For dedicated threads only — it blocks, so it never runs on the cooperative pool.
final class BoundedQueue<Element: Sendable & MemoryFootprint>: @unchecked Sendable {
    private let condition = NSCondition()
    /// A ring of `budget.items` slots, each with the size its item was counted at: nothing moves or is freed
    /// under the lock but the item taken.
    private var slots: [(item: Element?, size: Int)]
    private var head = 0
    private var budget: QueueBudget
    private var finished = false
    private var failure: (any Error)?

    init(capacity: Int, bytes: Int) {
        budget = QueueBudget(items: capacity, bytes: bytes)
        slots = Array(repeating: (nil, 0), count: budget.items)
    }

    /// Waits for room, then adds `item`, counted at `size` when the producer already knows it (a batch it sized
    /// row by row), else at its footprint. Returns false if the queue was finished meanwhile.
    @discardableResult
    func put(_ item: Element, size known: Int? = nil) -> Bool {
        let size = known ?? item.footprint
        condition.lock()
        defer { condition.unlock() }
        while !budget.admits(size) && !finished { condition.wait() }
        guard !finished else { return false }
        slots[(head + budget.heldItems) % slots.count] = (item, size)
        budget.add(size)
        if budget.heldItems == 1 { condition.signal() }  // the consumer waits only when the queue is empty
        return true
    }

    /// Whether nothing is waiting right now.
    var isEmpty: Bool { count == 0 }

    /// Items waiting right now.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return budget.heldItems
    }

    /// Bytes waiting right now (by `MemoryFootprint`).
    var bytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return budget.heldBytes
    }

    /// No more items will come; `error` (if any) is rethrown to the consumer after the last item.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        finished = true
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// The next item; nil once the producer finished and everything was taken.
    func take() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while budget.heldItems == 0 && !finished { condition.wait() }
        guard budget.heldItems > 0 else {
            if let failure { throw failure }
            return nil
        }
        let (item, size) = slots[head]
        slots[head] = (nil, 0)
        head = (head + 1) % slots.count
        budget.remove(size)
        condition.signal()  // the producer may be waiting for room (items or bytes)
        return item
    }
}
