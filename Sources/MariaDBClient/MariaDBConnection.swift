import CMariaDB

/// One libmariadb connection. Every call blocks, so a connection belongs to one dedicated thread
/// (see `DedicatedThread`) and is never used from the cooperative pool.
public final class MariaDBConnection {
    let handle: UnsafeMutablePointer<MYSQL>
    public let options: ConnectionOptions
    private var closed = false
    /// Serves `LOAD DATA LOCAL` statements the rows `execute` was given, and refuses the server every file.
    private let localRows = LocalRowsServer()

    public init(_ options: ConnectionOptions) throws(MariaDBError) {
        guard let handle = mysql_init(nil) else {
            throw MariaDBError(code: 2008, sqlState: "HY000", message: "out of memory", context: "connecting to \(options)")
        }
        self.handle = handle
        self.options = options
        _ = tm_set_int_option(handle, MYSQL_OPT_CONNECT_TIMEOUT, options.connectTimeoutSeconds)
        _ = tm_set_int_option(handle, MYSQL_OPT_READ_TIMEOUT, options.readTimeoutSeconds)
        _ = tm_set_int_option(handle, MYSQL_OPT_WRITE_TIMEOUT, options.readTimeoutSeconds)
        _ = mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        _ = tm_set_int_option(handle, MYSQL_OPT_LOCAL_INFILE, options.servesLocalRows ? 1 : 0)
        localRows.install(on: handle)
        guard options.tls.apply(to: handle, serverPublicKey: options.serverPublicKey) else {
            throw MariaDBError(code: 2026, sqlState: "HY000", message: "libmariadb refused the TLS or server key options",
                               context: "connecting to \(options)")
        }
        let connected = mysql_real_connect(
            handle, options.unixSocket == nil ? options.host : nil, options.user, options.password,
            options.database, UInt32(options.port), options.unixSocket, options.multiStatements ? UInt(CLIENT_MULTI_STATEMENTS) : 0)
        if connected == nil {
            // deinit closes the handle: the object is fully initialised even when connecting fails.
            var error = Self.lastError(handle, context: "connecting to \(options)\(options.tls.connectingNote)")
            if error.code == 5010 {  // CR_PLUGIN_NOT_ALLOWED: the account's plugin would send the password.
                error.message += " (an account authenticating with caching_sha2_password or sha256_password needs tls.mode verify_identity, or the server's RSA key: server_public_key_file, or get_server_public_key: true)"
            }
            throw error
        }
        try Self.checkEncryption(handle, options: options)
        flavor = ServerFlavor(version: serverVersion)
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        mysql_close(handle)
    }

    public var serverVersion: String { String(cString: mysql_get_server_info(handle)) }
    public var isMariaDB: Bool { flavor == .mariaDB }
    /// Which kind of server this is, choosing every statement that differs between them (read once, at connect).
    public private(set) var flavor = ServerFlavor.mariaDB

    /// Runs statements that return no rows. `rows` are what its `LOAD DATA LOCAL` statements read, in order
    /// (`ConnectionOptions.servesLocalRows`); each must report all its rows written and no warning, or the text
    /// fails with `MariaDBError.rowsNotAllLoaded` — a load turns duplicate keys and conversion errors into warnings,
    /// which must not pass silently. The server runs the rest of a text whatever the client makes of a result, so
    /// a load whose failure must stop what follows (a COMMIT) ends its text.
    public func execute(_ sql: String, serving rows: [LocalRows] = []) throws(MariaDBError) {
        localRows.offer(rows)
        defer { localRows.offer([]) }
        try send(sql)
        // Drain every result of a multi-statement string so the connection is ready for the next command.
        repeat {
            try checkLoaded(sql)
            if let result = mysql_store_result(handle) { mysql_free_result(result) }
            let status = mysql_next_result(handle)
            if status > 0 { throw lastError(context: "running \(Self.abbreviate(sql))") }
            if status != 0 { break }
        } while true
        if localRows.unread > 0 {
            throw MariaDBError(code: 2000, sqlState: "HY000", message: "\(localRows.unread) set(s) of rows were never read by the server",
                               context: "running \(Self.abbreviate(sql))")
        }
    }

    /// The statement whose result was just read, if it loaded rows, wrote every one of them without a warning.
    private func checkLoaded(_ sql: String) throws(MariaDBError) {
        for rows in localRows.takeServed() {
            let written = mysql_affected_rows(handle), warnings = mysql_warning_count(handle)
            guard written == UInt64(rows.count) && warnings == 0 else {
                // The connection stays usable: the results still coming are read first.
                while mysql_more_results(handle) != 0 && mysql_next_result(handle) == 0 {
                    if let result = mysql_store_result(handle) { mysql_free_result(result) }
                }
                throw MariaDBError.rowsNotAllLoaded(written: Int(truncatingIfNeeded: written), of: rows.count, warnings: Int(warnings),
                                                    context: "running \(Self.abbreviate(sql))")
            }
        }
    }

    /// Runs one statement that carries text from outside (a table definition from the source) with multiple
    /// statements switched off for it on a batching connection: even a misjudged boundary cannot make a second
    /// statement out of it.
    public func executeAlone(_ sql: String) throws(MariaDBError) {
        guard options.multiStatements else { return try execute(sql) }
        if mysql_set_server_option(handle, MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0 {
            throw lastError(context: "switching multiple statements off")
        }
        let outcome = Result<Void, MariaDBError> { () throws(MariaDBError) in try execute(sql) }
        if mysql_set_server_option(handle, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0 {
            throw lastError(context: "switching multiple statements on")
        }
        try outcome.get()
    }

    /// Runs a query and returns its rows as text (NULL as nil), the way the text protocol carries them.
    public func query(_ sql: String) throws(MariaDBError) -> QueryResult {
        try send(sql)
        guard let result = mysql_store_result(handle) else {
            if mysql_field_count(handle) == 0 { return QueryResult(columns: [], rows: []) }
            throw lastError(context: "reading result of \(Self.abbreviate(sql))")
        }
        defer { mysql_free_result(result) }
        let fieldCount = Int(mysql_num_fields(result))
        var columns: [String] = []
        if let fields = mysql_fetch_fields(result) {
            for index in 0..<fieldCount { columns.append(String(cString: fields[index].name)) }
        }
        var rows: [[QueryResult.Cell]] = []
        while let row = mysql_fetch_row(result) {
            var cells: [QueryResult.Cell] = []
            guard Self.readCells(row, of: result, count: fieldCount, into: &cells) else { break }
            rows.append(cells)
        }
        return QueryResult(columns: columns, rows: rows)
    }

    /// Runs a query and hands its rows over one at a time as the server sends them (mysql_use_result), so a
    /// table of any size is read in constant memory. `handle` returns false to stop early.
    public func streamRows(_ sql: String, _ body: ([QueryResult.Cell]) throws -> Bool) throws {
        try send(sql)
        guard let result = mysql_use_result(handle) else {
            if mysql_field_count(self.handle) == 0 { return }
            throw lastError(context: "reading result of \(Self.abbreviate(sql))")
        }
        defer { mysql_free_result(result) }
        let fieldCount = Int(mysql_num_fields(result))
        var cells: [QueryResult.Cell] = []
        cells.reserveCapacity(fieldCount)
        while let row = mysql_fetch_row(result) {
            cells.removeAll(keepingCapacity: true)
            guard Self.readCells(row, of: result, count: fieldCount, into: &cells) else { break }
            guard try body(cells) else {
                // Drain what the server still sends, so the connection can be used again.
                while mysql_fetch_row(result) != nil {}
                return
            }
        }
        if mysql_errno(self.handle) != 0 { throw lastError(context: "reading rows of \(Self.abbreviate(sql))") }
    }

    /// Copies a fetched row's cells (raw bytes, nil for NULL); false if the lengths are not available.
    private static func readCells(_ row: MYSQL_ROW, of result: UnsafeMutablePointer<MYSQL_RES>, count: Int,
                                  into cells: inout [QueryResult.Cell]) -> Bool {
        guard let lengths = mysql_fetch_lengths(result) else { return false }
        for index in 0..<count {
            if let pointer = row[index] {
                let length = Int(lengths[index])
                cells.append(pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                    Array(UnsafeBufferPointer(start: $0, count: length))
                })
            } else {
                cells.append(nil)
            }
        }
        return true
    }

    private func send(_ sql: String) throws(MariaDBError) {
        // The UTF-8 length, not strlen: a NUL inside the text must not cut the statement short.
        let status = sql.withCString { mysql_real_query(handle, $0, UInt(sql.utf8.count)) }
        if status != 0 { throw lastError(context: "running \(Self.abbreviate(sql))") }
    }

    func lastError(context: String) -> MariaDBError { Self.lastError(handle, context: context) }

    static func lastError(_ handle: UnsafeMutablePointer<MYSQL>, context: String) -> MariaDBError {
        let code = mysql_errno(handle), message = String(cString: mysql_error(handle))
        // The client library's own messages (2000–2999) quote hosts and files, never row values.
        return MariaDBError(code: code, sqlState: String(cString: mysql_sqlstate(handle)),
                            message: (2000..<3000).contains(code) ? message : ValueRedaction.message(message), context: context)
    }

    /// Statements can be long and carry row values: errors quote only their start, literals as `?`.
    static func abbreviate(_ sql: String) -> String {
        ValueRedaction.excerpt(sql)
    }

    /// Quotes a string literal for SQL using the connection's character set rules.
    public func quote(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var buffer = [CChar](repeating: 0, count: bytes.count * 2 + 1)
        let length = bytes.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { chars in
                mysql_real_escape_string(handle, &buffer, chars.baseAddress, UInt(bytes.count))
            }
        }
        return "'" + String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) + "'"
    }
}

/// Rows of a text-protocol result. Cells are raw bytes (nil for NULL); `string(row:column:)` reads them as UTF-8.
public struct QueryResult: Sendable {
    public typealias Cell = [UInt8]?
    public var columns: [String]
    public var rows: [[Cell]]

    /// The cell as text; nil for NULL and for a row or column the result does not have (an empty result, say).
    public func string(_ row: Int, _ column: Int) -> String? {
        guard rows.indices.contains(row), rows[row].indices.contains(column) else { return nil }
        return rows[row][column].map { String(decoding: $0, as: UTF8.self) }
    }

    public func string(_ row: Int, _ name: String) -> String? {
        guard let column = columns.firstIndex(where: { $0.caseInsensitiveEquals(name) }) else { return nil }
        return string(row, column)
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
