import MariaDBClient

/// The leases and heartbeats of daemons sharing a configuration, kept in each target's `_tablemirror` (see
/// `LeaseKeeper`), and the fence every apply transaction of a leader runs.
enum LeaseStore {
    static let lease = "`\(CheckpointStore.schema)`.`lease`"
    static let fence = "`\(CheckpointStore.schema)`.`lease_fence`"
    static let daemons = "`\(CheckpointStore.schema)`.`daemon`"
    /// The CHECK that fails an apply transaction whose daemon no longer holds the lease.
    static let fenceConstraint = "lease_held"

    static let createStatements = [
        """
        CREATE TABLE IF NOT EXISTS \(lease) (
          `target` VARCHAR(64) NOT NULL PRIMARY KEY,
          `holder` VARCHAR(64) NOT NULL,
          `epoch` BIGINT UNSIGNED NOT NULL,
          `acquired_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          `expires_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          `connection_id` BIGINT UNSIGNED NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """,
        // One row per target, rewritten by every commit of its leader: 1 while the lease is the committer's.
        """
        CREATE TABLE IF NOT EXISTS \(fence) (
          `target` VARCHAR(64) NOT NULL PRIMARY KEY,
          `held` BIGINT NOT NULL,
          CONSTRAINT `\(fenceConstraint)` CHECK (`held` = 1)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """,
        """
        CREATE TABLE IF NOT EXISTS \(daemons) (
          `target` VARCHAR(64) NOT NULL,
          `holder` VARCHAR(64) NOT NULL,
          `is_leader` BOOLEAN NOT NULL,
          `seen_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          PRIMARY KEY (`target`, `holder`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """,
    ]

    /// The target's lease row; `locked`: locked until the transaction ends (call inside one).
    static func read(target: String, locked: Bool, on connection: MariaDBConnection) throws -> LeaseRecord? {
        let result = try connection.query("""
            SELECT holder, epoch, TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at) / 1000000, UNIX_TIMESTAMP(acquired_at)
            FROM \(lease) WHERE target = \(SQLLiteral.quotedString(target))\(locked ? " FOR UPDATE" : "")
            """)
        guard let holder = result.string(0, 0), let epoch = result.string(0, 1).flatMap({ UInt64($0) }) else { return nil }
        return LeaseRecord(holder: holder, epoch: epoch, remainingSeconds: result.string(0, 2).flatMap { Double($0) } ?? 0,
                           since: result.string(0, 3).flatMap { Double($0) } ?? 0)
    }

    /// Takes the lease (inside the transaction that read it locked).
    static func acquireStatement(target: String, holder: String, epoch: UInt64, leaseSeconds: Double) -> String {
        """
        INSERT INTO \(lease) (target, holder, epoch, acquired_at, expires_at) \
        VALUES (\(SQLLiteral.quotedString(target)), \(SQLLiteral.quotedString(holder)), \(epoch), NOW(6), \(expiry(leaseSeconds))) \
        ON DUPLICATE KEY UPDATE holder = VALUES(holder), epoch = VALUES(epoch), acquired_at = VALUES(acquired_at), \
        expires_at = VALUES(expires_at), connection_id = NULL
        """
    }

    static func renewStatement(target: String, holder: String, epoch: UInt64, leaseSeconds: Double) -> String {
        """
        UPDATE \(lease) SET expires_at = \(expiry(leaseSeconds)) \
        WHERE target = \(SQLLiteral.quotedString(target)) AND holder = \(SQLLiteral.quotedString(holder)) AND epoch = \(epoch)
        """
    }

    /// Records the leader's applying connection, which a daemon taking over kills: a paused former leader's open
    /// transaction would otherwise hold its row locks, and the new leader's writes would wait on them.
    static func applierStatement(target: String, epoch: UInt64) -> String {
        "UPDATE \(lease) SET connection_id = CONNECTION_ID() WHERE target = \(SQLLiteral.quotedString(target)) AND epoch = \(epoch)"
    }

    /// The former leader's applying connection, as recorded (read before taking over).
    static func applierConnection(target: String, on connection: MariaDBConnection) throws -> UInt64? {
        try connection.query("SELECT connection_id FROM \(lease) WHERE target = \(SQLLiteral.quotedString(target))")
            .string(0, 0).flatMap { UInt64($0) }
    }

    /// Run inside every apply transaction of a leader, before its COMMIT: fails (the CHECK) unless the lease is still
    /// this holder's at this epoch, reading the lease row with a lock held to the commit — so a takeover either
    /// waits for this transaction or has already happened and fails it. Nothing a paused or partitioned former
    /// leader sends after a takeover can commit.
    static func fenceStatement(target: String, holder: String, epoch: UInt64) -> String {
        let name = SQLLiteral.quotedString(target)
        return """
            INSERT INTO \(fence) (target, held) SELECT \(name), COUNT(*) FROM \(lease) \
            WHERE target = \(name) AND holder = \(SQLLiteral.quotedString(holder)) AND epoch = \(epoch) FOR UPDATE \
            ON DUPLICATE KEY UPDATE held = VALUES(held)
            """
    }

    /// One transaction of `statements`; under `ha:` (`fence`: this term's `fenceStatement`) it commits only while
    /// the lease is still this daemon's.
    static func transaction(_ statements: [String], fence: String?) -> String {
        (["BEGIN"] + statements + (fence.map { [$0] } ?? []) + ["COMMIT"]).joined(separator: ";\n")
    }

    /// Fails unless the lease is still this daemon's (nothing to check without `ha:`): run just before a write no
    /// transaction can hold back — DDL commits by itself — so a leader that lost the lease stops before it.
    static func confirm(_ fence: String?, on connection: MariaDBConnection) throws(MariaDBError) {
        if let fence { try connection.execute(transaction([], fence: fence)) }
    }

    /// Whether a failure is the fence refusing a commit: the lease is someone else's.
    static func isFenced(_ error: any Error) -> Bool {
        switch error {
        case let EngineError.database(error): return isFenced(error)
        case let error as MariaDBError: return error.code == 4025 && error.message.contains("`\(fenceConstraint)`")
        default: return false
        }
    }

    static func heartbeatStatement(target: String, holder: String, leading: Bool) -> String {
        """
        INSERT INTO \(daemons) (target, holder, is_leader, seen_at) \
        VALUES (\(SQLLiteral.quotedString(target)), \(SQLLiteral.quotedString(holder)), \(leading ? 1 : 0), NOW(6)) \
        ON DUPLICATE KEY UPDATE is_leader = VALUES(is_leader), seen_at = VALUES(seen_at)
        """
    }

    /// The daemons seen for this target within `seconds`, but `except`: the standbys a leader sees.
    static func others(target: String, except holder: String, seenWithin seconds: Double, on connection: MariaDBConnection) throws -> [String] {
        try connection.query("""
            SELECT holder FROM \(daemons) WHERE target = \(SQLLiteral.quotedString(target)) AND holder <> \(SQLLiteral.quotedString(holder))
            AND seen_at > NOW(6) - INTERVAL \(Int(seconds * 1_000_000)) MICROSECOND ORDER BY holder
            """).rows.compactMap { $0.first.flatMap { $0.map { String(decoding: $0, as: UTF8.self) } } }
    }

    private static func expiry(_ seconds: Double) -> String {
        "NOW(6) + INTERVAL \(Int(seconds * 1_000_000)) MICROSECOND"
    }
}
