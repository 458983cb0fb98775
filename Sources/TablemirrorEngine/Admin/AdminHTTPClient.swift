import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One request to the daemon's admin endpoint, waited for, from a thread that may block (operator commands).
/// Over HTTPS it trusts `admin.tls.ca_file` when given (else the system's roots) and checks that the
/// certificate names the host connected to. Not URLSession: FoundationNetworking on Linux (libcurl) can be
/// pointed at another authority only through a process-wide environment variable, which would also change what
/// alert webhooks trust.
enum AdminHTTPClient {
    struct Response: Sendable {
        var status: Int
        var body: Data
    }

    enum Failure: Error, CustomStringConvertible {
        case badURL(String)
        case trust(path: String, detail: String)
        case request(url: String, detail: String)

        var description: String {
            switch self {
            case let .badURL(url): return "\(url): not an http:// or https:// URL with a host"
            case let .trust(path, detail): return "\(path): admin.tls.ca_file: \(detail)"
            case let .request(url, detail): return "\(url): \(detail)"
            }
        }
    }

    static func send(_ url: String, method: String = "GET", token: String? = nil, caFile: String? = nil,
                     timeout: Double = 10) throws(Failure) -> Response {
        guard let components = URLComponents(string: url), let scheme = components.scheme, scheme == "http" || scheme == "https",
              let host = components.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else {
            throw .badURL(url)
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let tls = scheme == "https" ? try context(trusting: caFile) : nil
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            + (components.percentEncodedQuery.map { "?\($0)" } ?? ""))
        head.headers.add(name: "Host", value: components.port.map { "\(host):\($0)" } ?? host)
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: "0")
        if let token { head.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let request = head
        do {
            let group = MultiThreadedEventLoopGroup.singleton
            let promise = group.next().makePromise(of: Response.self)
            let timer = promise.futureResult.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
                promise.fail(Failure.request(url: url, detail: "no answer within \(timeout) s"))
            }
            let bootstrap = ClientBootstrap(group: group)
                .connectTimeout(.milliseconds(Int64(timeout * 1000)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            // An IP address cannot be sent as SNI; NIOSSL then checks the certificate against the address.
                            let name: String? = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: name))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                    }
                }
            let channel = try bootstrap.connect(host: host, port: port).wait()
            channel.write(HTTPClientRequestPart.head(request), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            defer {
                timer.cancel()
                channel.close(promise: nil)
            }
            return try promise.futureResult.wait()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .request(url: url, detail: "\(error)")
        }
    }

    private static func context(trusting caFile: String?) throws(Failure) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        do {
            if let caFile { configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile)) }
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .trust(path: caFile ?? "system trust roots", detail: "\(error)")
        }
    }
}

/// Collects one HTTP response and completes the promise with it (or with the connection's error).
private final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<AdminHTTPClient.Response>
    private var status = 0
    private var body = ByteBuffer()

    init(promise: EventLoopPromise<AdminHTTPClient.Response>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head): status = Int(head.status.code)
        case var .body(part): body.writeBuffer(&part)
        case .end: promise.succeed(AdminHTTPClient.Response(status: status, body: Data(body.readableBytesView)))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(AdminHTTPClient.Failure.request(url: "", detail: "the connection closed before a whole response came"))
    }
}
