/// How much a queue or a batch may hold: at most `items` items and `bytes` bytes (by `MemoryFootprint`). An item
/// larger than the whole budget is still admitted when nothing else is held, alone, so no row is ever too big to pass.
struct QueueBudget: Equatable {
    let items: Int
    let bytes: Int
    private(set) var heldItems = 0
    private(set) var heldBytes = 0

    init(items: Int, bytes: Int) {
        self.items = max(1, items)
        self.bytes = max(1, bytes)
    }

    /// Whether an item of `size` bytes may come in now.
    func admits(_ size: Int) -> Bool {
        heldItems == 0 || (heldItems < items && heldBytes + size <= bytes)
    }

    mutating func add(_ size: Int) {
        heldItems += 1
        heldBytes += size
    }

    mutating func remove(_ size: Int) {
        heldItems -= 1
        heldBytes -= size
    }

    /// A batch filled up this far is handed over before anything more is added.
    var isFull: Bool { heldItems >= items || heldBytes >= bytes }

    mutating func removeAll() {
        heldItems = 0
        heldBytes = 0
    }
}
