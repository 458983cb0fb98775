import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How operator commands ask a running daemon for its live figures.
public enum AdminClient {
    /// The daemon's `/status` targets by name, or nil when no daemon answers (not running, or no endpoint).
    public static func status(_ admin: Configuration.Admin, timeout: Double = 2) -> [String: [String: Any]]? {
        guard let base = admin.baseURL, let url = URL(string: base + "/status") else { return nil }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        if let token = try? admin.token.resolve() { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if (response as? HTTPURLResponse)?.statusCode == 200 { box.set(data) }
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + timeout + 1) == .success, let data = box.data,
              let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let targets = document["targets"] as? [[String: Any]] else { return nil }
        var byName: [String: [String: Any]] = [:]
        for target in targets { if let name = target["name"] as? String { byName[name] = target } }
        return byName
    }
}

private final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Data?

    func set(_ data: Data?) {
        lock.lock()
        stored = data
        lock.unlock()
    }

    var data: Data? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
