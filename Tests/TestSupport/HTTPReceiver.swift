#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A minimal HTTP server on 127.0.0.1 for tests: keeps the body of every POST it receives, answers 200.
public final class HTTPReceiver: @unchecked Sendable {
    public private(set) var port: UInt16 = 0
    private let socketDescriptor: Int32
    private let lock = NSLock()
    private var bodies: [String] = []

    public init() throws {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw TestSupportError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketDescriptor, 16) == 0 else { throw TestSupportError("cannot listen on 127.0.0.1") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    public var url: String { "http://127.0.0.1:\(port)/alerts" }

    /// The bodies received so far.
    public var received: [String] {
        lock.lock()
        defer { lock.unlock() }
        return bodies
    }

    public func stop() {
        shutdown(socketDescriptor, Int32(SHUT_RDWR))
        close(socketDescriptor)
    }

    private func serve() {
        while true {
            let client = accept(socketDescriptor, nil, nil)
            if client < 0 { return }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { break }
            data += buffer[0..<count]
            let text = String(decoding: data, as: UTF8.self)
            guard let headerEnd = text.range(of: "\r\n\r\n") else { continue }
            let headers = text[..<headerEnd.lowerBound].lowercased()
            let length = headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            let body = Array(text[headerEnd.upperBound...].utf8)
            if body.count >= length {
                lock.lock()
                bodies.append(String(decoding: body.prefix(length), as: UTF8.self))
                lock.unlock()
                break
            }
        }
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        _ = response.withCString { write(client, $0, strlen($0)) }
    }
}
