import CMariaDB

/// Rows that a `LOAD DATA LOCAL INFILE` statement reads from tablemirror's memory, never from a file.
///
/// A server may ask its client for a local file at any moment, naming any path; libmariadb's own handler would
/// open it. Every connection therefore gets `LocalRowsServer` as its handler, which serves only the rows handed to
/// the `execute` under way, in order, to requests naming `fileName`, and refuses everything else.
public struct LocalRows: Sendable, Equatable {
    /// What a statement names as its file (`LOAD DATA LOCAL INFILE 'tablemirror-rows' …`); no file has it.
    public static let fileName = "tablemirror-rows"

    public var bytes: [UInt8]
    /// Rows in `bytes`: the statement must report exactly this many written, and no warning.
    public var count: Int

    public init(bytes: [UInt8], count: Int) {
        self.bytes = bytes
        self.count = count
    }
}

/// The LOAD DATA LOCAL handler of one connection (installed on every connection, used only on the thread that runs
/// its statement): what the statement under way may read, and what has been read.
final class LocalRowsServer {
    private var offered: [LocalRows] = []
    private var nextOffered = 0
    private var reading: (rows: LocalRows, offset: Int)?
    /// Rows served completely whose statement's outcome has not been checked yet.
    private var served: [LocalRows] = []
    private var refusal = ""

    func offer(_ rows: [LocalRows]) {
        offered = rows
        nextOffered = 0
        served = []
        reading = nil
    }

    /// What was offered and not read (a statement before the load failed, or the text had no such load).
    var unread: Int { offered.count - nextOffered }

    /// The rows served since the last call.
    func takeServed() -> [LocalRows] {
        defer { served = [] }
        return served
    }

    func install(on handle: UnsafeMutablePointer<MYSQL>) {
        mysql_set_local_infile_handler(handle, localRowsOpen, localRowsRead, localRowsClose, localRowsError,
                                       Unmanaged.passUnretained(self).toOpaque())
    }

    fileprivate func open(_ name: String) -> Bool {
        // libmariadb uses this message as a printf format: it must never hold a '%', nor anything the server sent
        // (such as the name it asked for).
        refusal = "tablemirror serves no local file to the server (it asked for one it was not offered)"
        guard name == LocalRows.fileName, nextOffered < offered.count else { return false }
        reading = (offered[nextOffered], 0)
        nextOffered += 1
        return true
    }

    fileprivate func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
        guard let (rows, offset) = reading else { return -1 }
        let length = min(capacity, rows.bytes.count - offset)
        rows.bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, length > 0 else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: length)
        }
        reading = (rows, offset + length)
        return Int32(length)
    }

    fileprivate func close() {
        if let (rows, offset) = reading, offset == rows.bytes.count { served.append(rows) }
        reading = nil
    }

    fileprivate func error(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
        let message = Array(refusal.utf8.prefix(max(0, capacity - 1)))
        for (index, byte) in message.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        buffer[message.count] = 0
        return 2000  // CR_UNKNOWN_ERROR
    }
}

private func server(_ pointer: UnsafeMutableRawPointer?) -> LocalRowsServer? {
    pointer.map { Unmanaged<LocalRowsServer>.fromOpaque($0).takeUnretainedValue() }
}

// libmariadb calls these with the handler's user data as `info` (set by `open`, even when it refuses, since the
// error and end callbacks still get it).
private let localRowsOpen: @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafePointer<CChar>?,
                                           UnsafeMutableRawPointer?) -> Int32 = { info, name, userData in
    info?.pointee = userData
    guard let server = server(userData), let name else { return 1 }
    return server.open(String(cString: name)) ? 0 : 1
}

private let localRowsRead: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UInt32) -> Int32 = {
    info, buffer, capacity in
    guard let server = server(info), let buffer else { return -1 }
    return server.read(into: buffer, capacity: Int(capacity))
}

private let localRowsClose: @convention(c) (UnsafeMutableRawPointer?) -> Void = { info in
    server(info)?.close()
}

private let localRowsError: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UInt32) -> Int32 = {
    info, buffer, capacity in
    guard let server = server(info), let buffer, capacity > 0 else { return 2000 }
    return server.error(into: buffer, capacity: Int(capacity))
}
