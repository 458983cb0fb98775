import Foundation

/// A thread of its own whose end can be waited for. Shutdown waits for every thread that talks to a server: a
/// process that exits while one of them still closes a connection runs the TLS library's exit-time cleanup under
/// it, and crashes.
final class JoinableThread: Sendable {
    private let ended = DispatchSemaphore(value: 0)

    /// Starts `body` on a new thread named `name` (Linux keeps the first 15 bytes of a thread's name).
    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let work = LockedBox<(@Sendable () -> Void)?>(body)
        let thread = Thread { [ended] in
            // The body, and whatever it holds (connections), is released before the end is announced.
            if let body = work.modify({ body in defer { body = nil }; return body }) { body() }
            ended.signal()
        }
        thread.name = String(decoding: Array(name.utf8.prefix(15)), as: UTF8.self)
        thread.start()
    }

    /// Returns once the body has returned and let go of what it held; any number of threads may wait.
    func join() {
        ended.wait()
        ended.signal()
    }
}
