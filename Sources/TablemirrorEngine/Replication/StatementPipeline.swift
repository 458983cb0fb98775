import Foundation
import MariaDBClient

/// Sends a target transaction's statement texts on a thread of its own, so the server executes one batch while
/// the applier decodes and builds the next: without it, the applier's work and the server's alternate and each
/// waits for the other. One batch is outstanding at most (memory stays bounded), and nothing runs after a batch
/// that failed: its failure is thrown by the next `submit` or `drain`, and the batches behind it (the group's
/// COMMIT among them) are dropped unsent.
///
/// The applier owns the connection between batches: every other use of it (a row filter, a statement one by one,
/// DDL, ROLLBACK) comes after `drain`, which returns only once the sending thread is done with it.
final class StatementPipeline: @unchecked Sendable {
    private let connection: MariaDBConnection
    private let condition = NSCondition()
    private var waiting: [TargetText]?
    private var isSending = false
    private var failure: (any Error)?
    private var isClosed = false
    private var thread: JoinableThread?

    init(connection: MariaDBConnection, name: String) {
        self.connection = connection
        thread = JoinableThread(name: "tm-send-\(name)") { [self] in loop() }
    }

    /// Hands texts over to be sent in order, once the batch before them is done; throws that batch's failure.
    func submit(_ texts: [TargetText]) throws {
        condition.lock()
        defer { condition.unlock() }
        while (waiting != nil || isSending) && failure == nil { condition.wait() }
        if let failure = takeFailure() { throw failure }
        waiting = texts
        condition.broadcast()
    }

    /// Waits until every batch handed over has been sent; throws the first failure (once).
    func drain() throws {
        if let failure = settle() { throw failure }
    }

    /// Waits until the sending thread is idle; returns (and forgets) the failure of a batch, if one failed.
    func settle() -> (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        while (waiting != nil || isSending) && failure == nil { condition.wait() }
        return takeFailure()
    }

    /// Ends the sending thread once it is idle (a batch under way finishes first), and waits for it.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        let sender = thread
        thread = nil
        condition.unlock()
        sender?.join()
    }

    /// A failure is only ever recorded with nothing waiting and nothing being sent; it is reported once.
    private func takeFailure() -> (any Error)? {
        defer { failure = nil }
        return failure
    }

    private func loop() {
        condition.lock()
        while true {
            while waiting == nil && !isClosed { condition.wait() }
            guard let texts = waiting else { break }
            waiting = nil
            isSending = true
            condition.unlock()
            var error: (any Error)?
            for text in texts {
                do { try connection.execute(text.sql, serving: text.rows) } catch let caught { error = caught; break }
            }
            condition.lock()
            isSending = false
            if let error { failure = error }
            condition.broadcast()
        }
        condition.unlock()
    }
}
