import Foundation
import Testing
@testable import TablemirrorEngine

/// Items of a given size, for the queue's byte accounting.
private struct Sized: MemoryFootprint, Sendable {
    var footprint: Int
}

struct BoundedQueueTests {
    @Test func theBytesWaitingNeverExceedTheBudgetUnlessOneItemAlone() throws {
        let queue = BoundedQueue<Sized>(capacity: 100, bytes: 1_000)
        let sizes = [300, 300, 300, 300, 5_000, 10, 10, 999, 1, 700, 700]
        let producer = Thread {
            for size in sizes { queue.put(Sized(footprint: size)) }
            queue.finish()
        }
        producer.start()
        var taken: [Int] = []
        while true {
            let waiting = queue.bytes, count = queue.count
            #expect(waiting <= 1_000 || count == 1, "\(waiting) bytes in \(count) items waiting")
            guard let item = try queue.take() else { break }
            taken.append(item.footprint)
            usleep(1_000)  // a slow consumer: the producer fills the queue meanwhile
        }
        #expect(taken == sizes)
    }

    @Test func aFinishedQueueRefusesMoreAndHandsOutWhatItHolds() throws {
        let queue = BoundedQueue<Sized>(capacity: 4, bytes: 100)
        #expect(queue.put(Sized(footprint: 500)), "a large item enters an empty queue")
        queue.finish()
        #expect(!queue.put(Sized(footprint: 1)))
        #expect(try queue.take()?.footprint == 500)
        #expect(try queue.take() == nil)
    }
}
