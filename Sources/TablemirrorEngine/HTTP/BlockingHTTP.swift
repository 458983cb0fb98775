import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request from a dedicated thread, waited for (webhooks from the alert thread, the status command
/// asking the daemon). Never used from async code.
enum BlockingHTTP {
    struct Outcome: Sendable {
        /// Nil when nothing answered in time.
        var status: Int?
        var body = Data()
        var error: String?
    }

    static func send(_ request: URLRequest) -> Outcome {
        let outcome = LockedBox(Outcome(status: nil, error: "no answer within \(Int(request.timeoutInterval)) s"))
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            outcome.value = Outcome(status: (response as? HTTPURLResponse)?.statusCode, body: data ?? Data(),
                                    error: error?.localizedDescription)
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + request.timeoutInterval + 1)
        return outcome.value
    }
}
