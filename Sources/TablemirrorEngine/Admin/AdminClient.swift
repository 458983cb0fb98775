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
        let outcome = BlockingHTTP.send(request)
        guard outcome.status == 200, let document = try? JSONSerialization.jsonObject(with: outcome.body) as? [String: Any],
              let targets = document["targets"] as? [[String: Any]] else { return nil }
        var byName: [String: [String: Any]] = [:]
        for target in targets { if let name = target["name"] as? String { byName[name] = target } }
        return byName
    }
}
