import Foundation

/// A blocking queue with a fixed capacity between two threads: the producer waits while it is full (so a
/// slow consumer slows the producer and memory stays flat), the consumer waits while it is empty.
/// For dedicated threads only — it blocks, so it never runs on the cooperative pool.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// A ring of `capacity` slots: nothing moves or is freed under the lock.
    private var slots: [Element?]
    private var head = 0
    private var stored = 0
    private var finished = false
    private var failure: (any Error)?

    init(capacity: Int) {
        slots = Array(repeating: nil, count: max(1, capacity))
    }

    /// Waits for room, then adds `item`. Returns false if the queue was finished meanwhile.
    @discardableResult
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while stored == slots.count && !finished { condition.wait() }
        guard !finished else { return false }
        slots[(head + stored) % slots.count] = item
        stored += 1
        if stored == 1 { condition.signal() }  // the consumer waits only when the queue is empty
        return true
    }

    /// Whether nothing is waiting right now.
    var isEmpty: Bool { count == 0 }

    /// Items waiting right now.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return stored
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
        while stored == 0 && !finished { condition.wait() }
        guard stored > 0 else {
            if let failure { throw failure }
            return nil
        }
        let item = slots[head].take()
        head = (head + 1) % slots.count
        stored -= 1
        if stored == slots.count - 1 { condition.signal() }  // the producer waits only when the queue is full
        return item
    }
}
