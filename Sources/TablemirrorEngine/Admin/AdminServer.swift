import Foundation
import Hummingbird
import Logging
import MariaDBClient
import ServiceLifecycle

/// The daemon's local HTTP endpoint: `GET /healthz`, `GET /status` (JSON), `GET /metrics` (Prometheus text),
/// and the triggers `POST /resync/{table}` and `POST /repair/{table}` (optional `?target=NAME`). On a
/// non-loopback address every request must carry `Authorization: Bearer <token>`.
public enum AdminServer {
    public static func router(replicator: Replicator, token: String?) -> Router<BasicRequestContext> {
        let router = Router()
        if let token { router.add(middleware: TokenCheck(token: token)) }
        router.get("healthz") { _, _ -> Response in
            json(#"{"status":"ok"}"#)
        }
        router.get("status") { _, _ -> Response in
            json(DaemonStatusDocument.json(replicator.status.snapshot()))
        }
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: replicator.metrics.exposition(status: replicator.status))))
        }
        router.post("resync/:table") { request, context -> Response in
            try await trigger(request, context, replicator: replicator, reason: "resync")
        }
        router.post("repair/:table") { request, context -> Response in
            try await trigger(request, context, replicator: replicator, reason: "repair")
        }
        return router
    }

    /// Requests a resync (a whole-table copy) or a repair (a verify whose differing rows are then copied).
    private static func trigger(_ request: Request, _ context: BasicRequestContext, replicator: Replicator,
                                reason: String) async throws -> Response {
        guard let table = context.parameters.get("table") else { return json(#"{"error":"no table"}"#, status: .badRequest) }
        let target = request.uri.queryParameters.get("target")
        do {
            let message = try await onDedicatedThread { () throws -> String in
                let plan = try ReplicationPlan.resolve(replicator.configuration, source: try MariaDBConnection(replicator.connections.source))
                let entries = try TableSelection.resolve([table], target: target, plan: plan).entries
                if reason == "resync" {
                    try CopyRequests.request(entries, reason: "resync", connections: replicator.connections)
                    return "resync of \(table) requested for \(entries.map(\.target.name).joined(separator: ", "))"
                }
                let comparisons = try Verification.run(entries, connections: replicator.connections)
                let repaired = try Verification.requestRepairs(comparisons, entries: entries, connections: replicator.connections)
                return "\(comparisons.map(\.differences.count).reduce(0, +)) differing rows; repair requested for \(repaired.count) table(s)"
            }
            return json("{\"result\":\(StatusReport.jsonString(message))}", status: .accepted)
        } catch {
            return json("{\"error\":\(StatusReport.jsonString("\(error)"))}", status: .badRequest)
        }
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The endpoint's application, serving until the service group shuts down.
    public static func application(replicator: Replicator, services: [any Service], logger: Logger) throws -> some ApplicationProtocol {
        let admin = replicator.configuration.admin
        let token = try admin.token.resolve()
        if !admin.isLoopback, (token ?? "").isEmpty {
            throw EngineError.invalidArgument("admin endpoint on \(admin.host ?? "?"): its token is empty or unset; refusing to serve without one")
        }
        return Application(router: router(replicator: replicator, token: token),
                           configuration: .init(address: .hostname(admin.host ?? "127.0.0.1", port: admin.port), serverName: "tablemirror"),
                           services: services, logger: logger)
    }
}

/// Refuses requests without the configured bearer token.
private struct TokenCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[.authorization] == "Bearer \(token)" else { return Response(status: .unauthorized) }
        return try await next(request, context)
    }
}
