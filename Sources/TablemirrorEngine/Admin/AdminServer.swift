import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import MariaDBClient
import NIOSSL
import ServiceLifecycle

/// The daemon's local HTTP endpoint: `GET /healthz`, `GET /status` (JSON), `GET /metrics` (Prometheus text),
/// the triggers `POST /resync/{table}` and `POST /repair/{table}` (optional `?target=NAME`), and the console
/// (`ConsoleRoutes`). With a token, every request must carry it (`AdminAccess`); with `admin.tls` it serves HTTPS.
/// Triggers are admitted one per table and `AdminWorkGate.defaultLimit` at once (409 and 429 past that).
public enum AdminServer {
    static func router(replicator: Replicator, access: AdminAccess, secure: Bool,
                       gate: AdminWorkGate = AdminWorkGate()) throws -> Router<BasicRequestContext> {
        let router = Router()
        var hosts: Set<String> = ["127.0.0.1", "localhost", "::1"]
        if let host = replicator.configuration.admin.host { hosts.insert(host.lowercased()) }
        router.add(middleware: AccessCheck(access: access, hosts: hosts))
        router.get("healthz") { _, _ -> Response in
            json(#"{"status":"ok"}"#)
        }
        router.get("status") { _, _ -> Response in
            json(DaemonStatusDocument.json(replicator.status.snapshot(), adminRequests: gate.running))
        }
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: replicator.metrics.exposition(status: replicator.status))))
        }
        router.post("resync/:table") { request, context -> Response in
            try await admitted(request, context, gate: gate) { table, target in
                try await trigger(table, target: target, replicator: replicator, reason: "resync")
            }
        }
        router.post("repair/:table") { request, context -> Response in
            try await admitted(request, context, gate: gate) { table, target in
                try await trigger(table, target: target, replicator: replicator, reason: "repair")
            }
        }
        try ConsoleRoutes.add(to: router, replicator: replicator, access: access, gate: gate, secure: secure)
        return router
    }

    /// Runs a trigger if the gate admits it: 409 while a request for the same table runs, 429 while the limit runs.
    static func admitted(_ request: Request, _ context: BasicRequestContext, gate: AdminWorkGate,
                                 _ work: (String, String?) async throws -> Response) async throws -> Response {
        // The console percent-encodes names in its URLs (`$`, spaces, any letter); the router hands them on encoded.
        guard let table = context.parameters.get("table")?.removingPercentEncoding else { return json(#"{"error":"no table"}"#, status: .badRequest) }
        let (decision, response) = try await gate.run(table: table) {
            try await work(table, request.uri.queryParameters.get("target"))
        }
        switch decision {
        case .admitted:
            return response ?? json(#"{"error":"no result"}"#, status: .internalServerError)
        case .tableBusy:
            return json("{\"error\":\(StatusReport.jsonString("a request for \(table) is still running; try again when it has ended"))}",
                        status: .conflict)
        case .full:
            return json("{\"error\":\"\(AdminWorkGate.defaultLimit) requests are running; try again when one has ended\"}",
                        status: .tooManyRequests)
        }
    }

    /// Runs `work` on a dedicated thread: 202 with its result, or 400 with its error.
    static func answer(_ work: @escaping @Sendable () throws -> String) async throws -> Response {
        do {
            let message = try await onDedicatedThread(work)
            return json("{\"result\":\(StatusReport.jsonString(message))}", status: .accepted)
        } catch {
            return json("{\"error\":\(StatusReport.jsonString("\(error)"))}", status: .badRequest)
        }
    }

    /// The mappings as they resolve on the source now.
    static func currentPlan(_ replicator: Replicator) throws -> ReplicationPlan {
        try ReplicationPlan.resolve(replicator.configuration, source: try replicator.connections.connectToPrimary())
    }

    /// The (table, target) pairs a request names.
    static func selection(_ table: String, target: String?, replicator: Replicator) throws -> [TableSelection.Entry] {
        try TableSelection.resolve([table], target: target, plan: currentPlan(replicator)).entries
    }

    /// Requests a resync (a whole-table copy) or a repair (a verify whose differing rows are then copied).
    private static func trigger(_ table: String, target: String?, replicator: Replicator, reason: String) async throws -> Response {
        try await answer {
                let entries = try selection(table, target: target, replicator: replicator)
                // Requests are kept in the targets, so whichever daemon leads a target runs them; a standby says who.
                let leaders = leadersElsewhere(Set(entries.map(\.target.name)), status: replicator.status)
                if reason == "resync" {
                    try CopyRequests.request(entries, reason: "resync", connections: replicator.connections)
                    return "resync of \(table) requested for \(entries.map(\.target.name).joined(separator: ", "))" + leaders
                }
                let comparisons = try Verification.run(entries, connections: replicator.connections)
                let repaired = try Verification.requestRepairs(comparisons, entries: entries, connections: replicator.connections)
                return "\(comparisons.map(\.differences.count).reduce(0, +)) differing rows; repair requested for \(repaired.count) table(s)" + leaders
        }
    }

    /// With `ha:`, the targets this daemon stands by for and who leads them (who runs the request).
    private static func leadersElsewhere(_ targets: Set<String>, status: ReplicatorStatus) -> String {
        let standing = status.snapshot().filter { targets.contains($0.key) }.compactMap { name, target -> String? in
            guard let leadership = target.leadership, !leadership.isLeading else { return nil }
            return "\(name) is led by daemon \(leadership.leader ?? "(none yet)")"
        }
        return standing.isEmpty ? "" : "; this daemon stands by: " + standing.sorted().joined(separator: ", ") + ", which runs it"
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The endpoint's application, serving until the service group shuts down. Off loopback it refuses to start
    /// without both a token and TLS: the token would otherwise cross the network in clear.
    public static func application(replicator: Replicator, services: [any Service], logger: Logger) throws -> some ApplicationProtocol {
        let admin = replicator.configuration.admin
        let token = try admin.token.resolve()
        let readToken = try admin.readToken.resolve()
        // A token configured but empty (an unset variable, an empty file) would leave the endpoint open in silence.
        if admin.token.isConfigured && (token ?? "").isEmpty || admin.readToken.isConfigured && (readToken ?? "").isEmpty {
            throw EngineError.invalidArgument("admin endpoint: admin.token_*/read_token_* is configured but empty; refusing to serve without it")
        }
        if !admin.isLoopback, (token ?? "").isEmpty || admin.tls == nil {
            throw EngineError.invalidArgument("admin endpoint on \(admin.host ?? "?"): a non-loopback address needs both a token "
                + "(admin.token_env or admin.token_file, set and not empty) and admin.tls; refusing to serve without them")
        }
        let configuration = ApplicationConfiguration(address: .hostname(admin.host ?? "127.0.0.1", port: admin.port), serverName: "tablemirror")
        let access = AdminAccess(token: token, readToken: readToken)
        let router = try router(replicator: replicator, access: access, secure: admin.tls != nil)
        guard let tls = admin.tls else {
            return Application(router: router, configuration: configuration, services: services, logger: logger)
        }
        return Application(router: router, server: try .tls(.http1(), tlsConfiguration: try serverTLS(tls)),
                           configuration: configuration, services: services, logger: logger)
    }

    /// The endpoint's certificate chain and key, read now so that a bad file stops the start with its path.
    static func serverTLS(_ tls: Configuration.Admin.AdminTLS) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate], key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tls.certFile)
        } catch {
            throw EngineError.io(path: tls.certFile, detail: "admin.tls.cert_file: not a readable PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw EngineError.io(path: tls.certFile, detail: "admin.tls.cert_file: no certificate in the file") }
        do {
            key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
        } catch {
            // The error names the file only: a key's contents never go into a message.
            throw EngineError.io(path: tls.keyFile, detail: "admin.tls.key_file: not a readable PEM private key")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
