import Foundation
import HTTPTypes
import Hummingbird
import MariaDBClient

/// The console on the admin endpoint: `GET /` (the page), `GET /console/body` (its body, fetched again by the page),
/// `GET|POST /console/login` (the token form that sets the console's cookie), and the actions its buttons call
/// besides resync and repair: `POST /verify/{table}` and `POST /dead-letters/{target}/{retry|discard}?ids=…`,
/// which run the same code as `tablemirror verify` and `tablemirror dead-letters`.
enum ConsoleRoutes {
    static func add(to router: Router<BasicRequestContext>, replicator: Replicator, access: AdminAccess, gate: AdminWorkGate,
                    secure: Bool) throws {
        let page = try ConsolePage()
        let cache = ConsoleSnapshotCache()
        // The page, or its body alone, from the shared snapshot: buttons only for a request that may act (a cookie
        // counts as with the console's header, which the page's own script sends with each action).
        @Sendable func rendered(_ request: Request, _ render: @escaping @Sendable (ConsolePage, [String: Any]) -> String) async throws -> Response {
            let canAct = access.level(authorization: request.headers[.authorization], cookie: request.headers[.cookie], consoleHeader: "1") == .act
            return html(try await onDedicatedThread {
                render(page, ConsoleModel.context(cache.snapshot { ConsoleSnapshot.read(replicator: replicator) }, canAct: canAct))
            })
        }
        router.get("/") { request, _ -> Response in try await rendered(request) { $0.page($1) } }
        router.get("console/body") { request, _ -> Response in try await rendered(request) { $0.body($1) } }
        router.get("console/login") { _, _ -> Response in html(page.login(failed: false)) }
        let throttle = LockedBox(LoginThrottle())
        router.post("console/login") { request, _ -> Response in
            let now = Date().timeIntervalSince1970
            guard throttle.modify({ (state: inout LoginThrottle) in state.allows(at: now) }) else {
                return html(page.login(failed: true), status: .tooManyRequests)
            }
            let form = String(buffer: try await request.body.collect(upTo: 4096))
            let token = formValue("token", in: form) ?? ""
            guard access.level(of: token) != .none else {
                throttle.modify { (state: inout LoginThrottle) in state.failed(at: now) }
                return html(page.login(failed: true), status: .unauthorized)
            }
            return Response(status: .seeOther, headers: [.location: "/", .setCookie: AdminAccess.setCookie(token, secure: secure)])
        }
        router.post("verify/:table") { request, context -> Response in
            try await AdminServer.admitted(request, context, gate: gate) { table, target in
                try await AdminServer.answer {
                    let entries = try AdminServer.selection(table, target: target, replicator: replicator)
                    let comparisons = try Verification.run(entries, connections: replicator.connections)
                    try DriftAlerts.report(comparisons, alerts: replicator.configuration.alerts, connections: replicator.connections)
                    // `tablemirror verify`'s line per table (the differing rows' keys are on the page's table).
                    return VerificationReport.text(comparisons).filter { !$0.hasPrefix("  ") }.joined(separator: "; ")
                }
            }
        }
        router.post("dead-letters/:target/:action") { request, context -> Response in
            guard let target = context.parameters.get("target")?.removingPercentEncoding, let action = context.parameters.get("action"),
                  action == "retry" || action == "discard" else { return AdminServer.json(#"{"error":"retry or discard"}"#, status: .badRequest) }
            let ids = (request.uri.queryParameters.get("ids") ?? "").split(separator: ",").compactMap { Int($0) }
            guard !ids.isEmpty else { return AdminServer.json(#"{"error":"ids=1,2,… names the letters"}"#, status: .badRequest) }
            return try await AdminServer.answer {
                try deadLetters(action, target: target, ids: ids, replicator: replicator)
            }
        }
    }

    /// Retry or discard dead letters, as `tablemirror dead-letters` does.
    private static func deadLetters(_ action: String, target: String, ids: [Int], replicator: Replicator) throws -> String {
        guard let options = replicator.connections.targets[target] else { throw EngineError.invalidArgument("no target named \(target)") }
        let connection = try MariaDBConnection(options)
        let letters = try DeadLetterStore.list(target: target, ids: ids, on: connection)
        guard !letters.isEmpty else { throw EngineError.invalidArgument("no such dead letters in \(target): \(ids)") }
        if action == "discard" {
            try DeadLetterStore.discard(target: target, ids: letters.map(\.id), on: connection)
            return "discarded \(letters.count) letter(s)"
        }
        let requested = try DeadLetterActions.retry(letters, plan: AdminServer.currentPlan(replicator), connections: replicator.connections)
        return "\(letters.count) letter(s): rows requested again for \(requested.count) table(s); the daemon applies them in stream order"
    }

    /// `name=value&…` (application/x-www-form-urlencoded).
    static func formValue(_ name: String, in form: String) -> String? {
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    private static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        // No other page may frame the console (and so trick a click on its buttons).
        headers[.contentSecurityPolicy] = "frame-ancestors 'none'"
        if let frameOptions = HTTPField.Name("X-Frame-Options") { headers[frameOptions] = "DENY" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
