import HTTPTypes
import Hummingbird

/// Who may do what on the admin endpoint. With no token configured (a loopback endpoint left open), anyone who can
/// connect may read and act. Otherwise a request carries the token as `Authorization: Bearer …` (operator
/// commands, scripts) or as the console's cookie, set by its login form: the admin token reads and acts, the read
/// token (`admin.read_token_env`/`read_token_file`) only reads. A request authorized by the cookie acts only with
/// the header the console's script sends (`X-Tablemirror-Console`): a page elsewhere can make a browser send the
/// cookie, but not that header, so it cannot make it act.
struct AdminAccess: Sendable {
    enum Level: Int, Comparable, Sendable {
        case none, read, act
        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    static let cookieName = "tablemirror_token"
    static let consoleHeader = "X-Tablemirror-Console"
    private static let consoleHeaderName = HTTPField.Name(consoleHeader)

    let token: String?
    let readToken: String?

    var isOpen: Bool { (token ?? "").isEmpty }

    /// What a token grants.
    func level(of given: String) -> Level {
        if let token, !token.isEmpty, BearerToken.matches(given.utf8, token.utf8) { return .act }
        if let readToken, !readToken.isEmpty, BearerToken.matches(given.utf8, readToken.utf8) { return .read }
        return .none
    }

    /// What a request may do: by its Authorization header, else by its cookie (acting then only with the
    /// console's header).
    func level(authorization: String?, cookie: String?, consoleHeader: String?) -> Level {
        if isOpen { return .act }
        if let authorization, authorization.hasPrefix("Bearer ") {
            return level(of: String(authorization.dropFirst("Bearer ".count)))
        }
        guard let cookie, let value = Self.cookieValue(cookie) else { return .none }
        let granted = level(of: value)
        return granted == .act && consoleHeader != "1" ? .read : granted
    }

    func level(of request: Request) -> Level {
        level(authorization: request.headers[.authorization], cookie: request.headers[.cookie],
              consoleHeader: Self.consoleHeaderName.flatMap { request.headers[$0] })
    }

    /// The console cookie's value in a `Cookie:` header.
    static func cookieValue(_ header: String) -> String? {
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName {
                return String(parts[1]).removingPercentEncoding
            }
        }
        return nil
    }

    /// The cookie that carries `token` for the console: script cannot read it, other sites' requests do not carry
    /// it, and over HTTPS it is never sent in clear.
    static func setCookie(_ token: String, secure: Bool) -> String {
        let value = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return "\(cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}

extension AdminAccess {
    /// Whether a request comes from another site: a browser says so (`Sec-Fetch-Site`), or names an `Origin` that is
    /// not the host it asked. A page elsewhere can make a browser send a form to the endpoint, never with a token —
    /// but without one configured, that form would act; and it must not act through a logged-in console either.
    static func isCrossSite(secFetchSite: String?, origin: String?, host: String?) -> Bool {
        if let site = secFetchSite?.lowercased(), site == "cross-site" || site == "same-site" { return true }
        guard let origin, origin != "null" else { return origin == "null" }
        let authority = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
        return authority?.lowercased() != host?.lowercased()
    }

    /// The name a request's `Host` header gives (no port, IPv6 without brackets).
    static func hostName(_ header: String) -> String {
        if header.hasPrefix("["), let end = header.firstIndex(of: "]") { return String(header[header.index(after: header.startIndex)..<end]) }
        return String(header.split(separator: ":", maxSplits: 1).first ?? "")
    }
}

/// Refuses what a request may not do: reading needs the read or admin token, anything but GET the admin token,
/// and nothing but GET may come from another site. Without a token, only requests naming this endpoint's own host
/// are served: a site whose name was pointed at 127.0.0.1 (DNS rebinding) gets nothing. The login form is open (it
/// only sets the cookie for a token that is right); `/` without a token sends a browser to it.
struct AccessCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let access: AdminAccess
    /// Host names the endpoint answers to without a token: loopback's, and the configured listen host.
    let hosts: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        if access.isOpen, !hosts.contains(AdminAccess.hostName(host ?? "").lowercased()) { return Response(status: .forbidden) }
        let reads = request.method == .get || request.method == .head
        if !reads, AdminAccess.isCrossSite(secFetchSite: HTTPField.Name("Sec-Fetch-Site").flatMap { request.headers[$0] },
                                          origin: request.headers[.origin], host: host) {
            return Response(status: .forbidden)
        }
        if request.uri.path == "/console/login" { return try await next(request, context) }
        let level = access.level(of: request)
        let needed: AdminAccess.Level = reads ? .read : .act
        guard level >= needed else {
            if level == .none, request.method == .get, request.uri.path == "/" {
                return Response(status: .seeOther, headers: [.location: "/console/login"])
            }
            return Response(status: level == .none ? .unauthorized : .forbidden)
        }
        return try await next(request, context)
    }
}
