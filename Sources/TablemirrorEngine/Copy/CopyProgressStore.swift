import BinlogDecoding
import Foundation
import MariaDBClient

/// How far each online copy of a table into a target has got (a mapping added later, or a resync), kept in the
/// target beside the checkpoint and written by the same transaction as each chunk: a copy interrupted by a
/// crash resumes after its last applied chunk, and `resync` requests wait here until the daemon takes them.
public enum CopyProgressStore {
    public enum State: String, Sendable {
        case requested, copying, done
    }

    public struct Progress: Sendable, Equatable {
        public var source: QualifiedTableName
        public var state: State
        /// SQL literals of the last copied row's primary key; nil before the first chunk.
        public var lastKey: [String]?
        public var chunks: Int
        public var rows: Int
        /// The source's estimate of the table's rows when the copy began (for the ETA).
        public var estimatedRows: Int?
        public var reason: String
        /// A repair: only these rows (primary key literals), not the whole table.
        public var onlyKeys: [[String]]?
        public var startedAt: Date?
        public var finishedAt: Date?
        /// Tells one request from the next for the same table (the request time, to the microsecond): a chunk
        /// records progress only for the request it was read for.
        public var generation: String
        /// The replica is rebuilt from the source's structure as of the first chunk (its changes before that
        /// chunk are not replayed): for a table whose replica cannot follow its schema changes.
        public var recreate: Bool = false
    }

    static let table = "`\(CheckpointStore.schema)`.`copy`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (
          `target` VARCHAR(64) NOT NULL,
          `source_database` VARCHAR(64) NOT NULL,
          `source_table` VARCHAR(64) NOT NULL,
          `state` VARCHAR(16) NOT NULL,
          `last_key` TEXT NULL,
          `chunks` BIGINT UNSIGNED NOT NULL DEFAULT 0,
          `rows_copied` BIGINT UNSIGNED NOT NULL DEFAULT 0,
          `rows_estimated` BIGINT UNSIGNED NULL,
          `reason` VARCHAR(32) NOT NULL,
          `only_keys` LONGTEXT NULL,
          `requested_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          `started_at` TIMESTAMP(6) NULL,
          `finished_at` TIMESTAMP(6) NULL,
          PRIMARY KEY (`target`, `source_database`, `source_table`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    /// Asks for a (new) copy of `source` into `target` — of the whole table, or of the rows with `keys` only
    /// (a repair); one already under way starts over.
    public static func request(target: String, source: QualifiedTableName, reason: String, keys: [[String]]? = nil,
                               recreate: Bool = false, on connection: MariaDBConnection) throws(MariaDBError) {
        try ControlSchema.ensure(connection)
        try connection.execute(requestStatement(target: target, source: source, reason: reason, keys: keys, recreate: recreate))
    }

    static func requestStatement(target: String, source: QualifiedTableName, reason: String, keys: [[String]]? = nil,
                                 recreate: Bool = false) -> String {
        let onlyKeys = keys.map { SQLLiteral.quotedString(encode($0)) } ?? "NULL"
        return """
            INSERT INTO \(table) (target, source_database, source_table, state, reason, only_keys, recreate)
            VALUES (\(keyValues(target, source)), 'requested', \(SQLLiteral.quotedString(reason)), \(onlyKeys), \(recreate))
            ON DUPLICATE KEY UPDATE state = 'requested', reason = VALUES(reason), only_keys = VALUES(only_keys), recreate = VALUES(recreate),
              last_key = NULL, chunks = 0, rows_copied = 0, rows_estimated = NULL, requested_at = CURRENT_TIMESTAMP(6), started_at = NULL,
              finished_at = NULL
            """
    }

    /// Forgets copies of tables the target no longer replicates; run in the transaction of that schema change.
    static func cancelStatement(target: String, sources: [QualifiedTableName]) -> String? {
        guard !sources.isEmpty else { return nil }
        return "DELETE FROM \(table) WHERE (target, source_database, source_table) IN ("
            + sources.map { "(\(keyValues(target, $0)))" }.joined(separator: ", ") + ")"
    }

    /// Every copy of `target` that has not finished, oldest request first.
    public static func unfinished(target: String, on connection: MariaDBConnection) throws(MariaDBError) -> [Progress] {
        try read(target: target, where: "state <> 'done'", on: connection)
    }

    public static func progress(target: String, source: QualifiedTableName,
                                on connection: MariaDBConnection) throws(MariaDBError) -> Progress? {
        try read(target: target, where: "source_database = \(SQLLiteral.quotedString(source.database)) AND source_table = \(SQLLiteral.quotedString(source.table))",
                 on: connection).first
    }

    /// Records one applied chunk; run in the transaction that applies it.
    static func chunkStatement(target: String, source: QualifiedTableName, generation: String, lastKey: [String]?, rows: Int,
                               isLast: Bool, estimatedRows: Int?) -> String {
        let key = lastKey.map { SQLLiteral.quotedString(encode($0)) } ?? "last_key"
        let estimate = estimatedRows.map(String.init) ?? "rows_estimated"
        return """
            UPDATE \(table) SET state = '\(isLast ? State.done : .copying)', last_key = \(key), chunks = chunks + 1,
              rows_copied = rows_copied + \(rows), rows_estimated = \(estimate), started_at = COALESCE(started_at, CURRENT_TIMESTAMP(6)),
              finished_at = \(isLast ? "CURRENT_TIMESTAMP(6)" : "NULL")
            WHERE (target, source_database, source_table) = (\(keyValues(target, source)))
              AND UNIX_TIMESTAMP(requested_at) = \(SQLLiteral.quotedString(generation))
            """
    }

    private static func keyValues(_ target: String, _ source: QualifiedTableName) -> String {
        [target, source.database, source.table].map(SQLLiteral.quotedString).joined(separator: ", ")
    }

    private static func read(target: String, where condition: String,
                             on connection: MariaDBConnection) throws(MariaDBError) -> [Progress] {
        let result = try connection.query("""
            SELECT source_database, source_table, state, last_key, chunks, rows_copied, rows_estimated, reason,
              UNIX_TIMESTAMP(started_at), UNIX_TIMESTAMP(finished_at), only_keys, UNIX_TIMESTAMP(requested_at), recreate
            FROM \(table) WHERE target = \(SQLLiteral.quotedString(target)) AND \(condition) ORDER BY requested_at
            """)
        return result.rows.indices.compactMap { row in
            guard let database = result.string(row, 0), let name = result.string(row, 1),
                  let state = result.string(row, 2).flatMap(State.init(rawValue:)) else { return nil }
            return Progress(source: QualifiedTableName(database: database, table: name), state: state,
                            lastKey: result.string(row, 3).flatMap(decode).flatMap(plainKey), chunks: result.string(row, 4).flatMap { Int($0) } ?? 0,
                            rows: result.string(row, 5).flatMap { Int($0) } ?? 0,
                            estimatedRows: result.string(row, 6).flatMap { Int($0) }, reason: result.string(row, 7) ?? "",
                            onlyKeys: result.string(row, 10).flatMap(decode).flatMap(plainKeys),
                            startedAt: result.string(row, 8).flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
                            finishedAt: result.string(row, 9).flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
                            generation: result.string(row, 11) ?? "", recreate: result.string(row, 12) == "1")
        }
    }

    /// Key literals as JSON (literals may hold commas and quotes).
    private static func encode(_ value: some Encodable) -> String {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// Keys come back from a table in the target and go into SQL on the source: anything but plain literals is
    /// dropped (a copy then starts over, a repair becomes a whole-table copy — never arbitrary SQL).
    static func plainKey(_ key: [String]) -> [String]? {
        key.allSatisfy(SQLLiteral.isPlainLiteral) ? key : nil
    }

    static func plainKeys(_ keys: [[String]]) -> [[String]]? {
        keys.allSatisfy { plainKey($0) != nil } ? keys : nil
    }

    private static func decode<Value: Decodable>(_ text: String) -> Value? {
        try? JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }
}
