import Foundation

/// One target's applier on its own thread, fed through a queue bounded in items and bytes.
final class ApplierLane: @unchecked Sendable {
    private let applier: TargetApplier
    private let queue = BoundedQueue<ApplyItem>(capacity: MemoryBudget.queueItems, bytes: MemoryBudget.queueBytes)
    private let done = NSCondition()
    private var finished = false
    private var failure: (any Error)?
    private var thread: JoinableThread?

    init(applier: TargetApplier) {
        self.applier = applier
        thread = JoinableThread(name: "tm-apply-\(applier.name)") { [self] in self.loop() }
    }

    func send(_ item: ApplyItem, size: Int? = nil) throws {
        if !queue.put(item, size: size) {
            throw EngineError.invalidArgument("target \(applier.name) stopped: \(failureDescription())")
        }
    }

    func finish() { queue.finish() }

    var queueDepth: Int { queue.count }

    var hasFailed: Bool {
        done.lock()
        defer { done.unlock() }
        return finished && failure != nil
    }

    /// Waits until the applier has finished, closed its connection and its thread has ended.
    func waitUntilDone() -> (any Error)? {
        done.lock()
        while !finished { done.wait() }
        let (applying, failure) = (thread, self.failure)
        done.unlock()
        applying?.join()
        return failure
    }

    private func failureDescription() -> String {
        done.lock()
        defer { done.unlock() }
        return failure.map { "\($0)" } ?? "finished"
    }

    private func loop() {
        var error: (any Error)?
        do {
            while let item = try queue.take() {
                try applier.handle(item)
                try applier.handled(moreWaiting: !queue.isEmpty)
            }
            try applier.finish()
        } catch let caught {
            error = caught
            queue.finish()
        }
        applier.abandon()
        applier.close()
        done.lock()
        finished = true
        failure = error
        done.broadcast()
        done.unlock()
    }
}
