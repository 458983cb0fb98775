import Foundation

/// Runs blocking work (libmariadb calls) on a thread of its own and awaits it, so the cooperative pool that
/// async code runs on is never blocked.
func onDedicatedThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }.start()
    }
}
