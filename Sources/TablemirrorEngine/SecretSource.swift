#if canImport(Glibc)
import Glibc
#endif

/// Where a password comes from: a file (first line) or an environment variable. The value itself is never
/// logged or put into an error message.
public struct SecretSource: Sendable, Equatable {
    public var environmentVariable: String?
    public var file: String?

    public init(environmentVariable: String?, file: String?) {
        self.environmentVariable = environmentVariable
        self.file = file
    }

    /// nil when neither source is set (connect without a password).
    public func resolve() throws(EngineError) -> String? {
        if let file {
            guard let handle = fopen(file, "r") else {
                throw .io(path: file, detail: "cannot read the password file: \(String(cString: strerror(errno)))")
            }
            defer { fclose(handle) }
            var bytes: [UInt8] = []
            while true {
                let next = getc(handle)
                if next == EOF || next == 0x0A { break }
                bytes.append(UInt8(truncatingIfNeeded: next))
            }
            if bytes.last == 0x0D { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
        if let environmentVariable, let value = getenv(environmentVariable) {
            return String(cString: value)
        }
        return nil
    }
}
