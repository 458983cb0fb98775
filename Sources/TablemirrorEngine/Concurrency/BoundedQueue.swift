import Foundation

/// A blocking queue with a fixed capacity between two threads: the producer waits while it is full (so a
/// slow consumer slows the producer and memory stays flat), the consumer waits while it is empty.
/// For dedicated threads only — it blocks, so it never runs on the cooperative pool.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private let capacity: Int
    private var finished = false
    private var failure: (any Error)?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits for room, then adds `item`. Returns false if the consumer has gone away.
    @discardableResult
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !finished { condition.wait() }
        guard !finished else { return false }
        items.append(item)
        condition.broadcast()
        return true
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
        while head == items.count && !finished { condition.wait() }
        if head < items.count {
            let item = items[head]
            head += 1
            if head > 64 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            condition.broadcast()
            return item
        }
        if let failure { throw failure }
        return nil
    }
}
