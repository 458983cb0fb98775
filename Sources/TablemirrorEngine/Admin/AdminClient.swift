import Foundation

/// How operator commands ask a running daemon for its live figures.
public enum AdminClient {
    /// The daemon's `/status` targets by name, or nil when no daemon answers (not running, or no endpoint).
    public static func status(_ admin: Configuration.Admin, timeout: Double = 2) -> [String: [String: Any]]? {
        guard let base = admin.baseURL else { return nil }
        let token = try? admin.token.resolve()
        guard let response = try? AdminHTTPClient.send(base + "/status", token: token, caFile: admin.tls?.caFile, timeout: timeout),
              response.status == 200, let document = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let targets = document["targets"] as? [[String: Any]] else { return nil }
        var byName: [String: [String: Any]] = [:]
        for target in targets { if let name = target["name"] as? String { byName[name] = target } }
        return byName
    }
}
