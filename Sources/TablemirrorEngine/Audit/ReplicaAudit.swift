import BinlogDecoding
import Foundation
import MariaDBClient

/// What the read-only triggers cannot stop — DDL, a TRUNCATE or DROP with foreign key checks off, a trigger
/// dropped by someone with the TRIGGER privilege — is found afterwards: each replica is compared with what
/// tablemirror recorded when it last changed it (InnoDB table id, definition, its triggers), and the target's
/// grants are read for accounts other than tablemirror's that may write to, alter or drop a replica.
public enum ReplicaAudit {
    /// A replica that is not as tablemirror left it.
    public struct Tampering: Equatable, Sendable {
        public var replica: QualifiedTableName
        public var what: String
    }

    /// Privileges that let an account change a replica or tablemirror's own tables behind tablemirror's back.
    static let writePrivileges = ["INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "TRIGGER"]

    /// An account other than tablemirror's that holds write privileges on a replica's database or table (or on
    /// `_tablemirror`).
    public struct Grant: Hashable, Sendable, Comparable {
        /// `'user'@'host'`, or a role's name.
        public var grantee: String
        public var privilege: String
        /// `*.*`, `db.*` (the grant's database pattern) or `db.table`.
        public var on: String

        public static func < (lhs: Grant, rhs: Grant) -> Bool {
            (lhs.grantee, lhs.on, lhs.privilege) < (rhs.grantee, rhs.on, rhs.privilege)
        }

        /// The statement that takes the privilege back.
        public var revokeStatement: String { "REVOKE \(privilege) ON \(on) FROM \(grantee);" }
    }

    public struct GrantReport: Equatable, Sendable {
        /// Accounts that may write to replicas and are not administrators: to be revoked.
        public var writers: [Grant]
        /// Accounts with global SUPER or grant rights: they can undo any guard, and are only listed.
        public var administrators: [String]
        /// The target user may not read other accounts' grants (`SELECT ON mysql.*` is needed): only its own
        /// were seen.
        public var incomplete: Bool
    }

    /// Replicas of `target` that differ from their record. Nothing is reported while a schema change is under
    /// way on the target (its replicas change between statements), and a finding must hold on a second look
    /// with the records unchanged (tablemirror itself may have just rebuilt a replica).
    public static func tampering(target: String, on connection: MariaDBConnection) throws -> [Tampering] {
        guard try SchemaChangeMarker.read(target: target, on: connection) == nil else { return [] }
        let entries = try ReplicaRegistry.entries(target: target, on: connection)
        let first = try compare(entries, on: connection)
        guard !first.isEmpty else { return [] }
        Thread.sleep(forTimeInterval: 0.5)
        guard try SchemaChangeMarker.read(target: target, on: connection) == nil,
              try ReplicaRegistry.entries(target: target, on: connection) == entries else { return [] }
        let second = try compare(entries, on: connection)
        return first.filter(second.contains)
    }

    /// Each replica against its record. The writer's condition and the InnoDB ids are read once for all of them.
    private static func compare(_ entries: [ReplicaRegistry.Entry], on connection: MariaDBConnection) throws -> [Tampering] {
        let condition = try ReadOnlyGuard.writerCondition(on: connection)
        let ids = SchemaChangeMarker.tableIDs(of: entries.map(\.replica), on: connection)
        var found: [Tampering] = []
        for entry in entries {
            let replica = entry.replica
            guard let definition = try ReplicaRegistry.definition(of: replica, on: connection) else {
                found.append(Tampering(replica: replica, what: "dropped"))
                continue
            }
            if let recorded = entry.tableID, let id = ids[replica], recorded != id {
                found.append(Tampering(replica: replica, what: "replaced, truncated or rebuilt by someone else (InnoDB table id \(id), recorded \(recorded))"))
            }
            if definition != entry.definition {
                found.append(Tampering(replica: replica, what: "its structure was changed by someone else"))
            }
            let triggers = try ReadOnlyGuard.triggers(on: connection, database: replica.database, table: replica.table)
            let missing = ReadOnlyGuard.missingTriggers(in: triggers, condition: condition, database: replica.database, table: replica.table)
            if !missing.isEmpty {
                found.append(Tampering(replica: replica, what: "read-only triggers missing or altered: \(missing.joined(separator: ", "))"))
            }
            let others = ReadOnlyGuard.foreignTriggers(in: triggers, database: replica.database, table: replica.table)
            if !others.isEmpty {
                found.append(Tampering(replica: replica, what: "triggers tablemirror did not make: \(others.joined(separator: ", "))"))
            }
        }
        return found
    }

    /// Who besides tablemirror's own account may write to the replicas of `target` or to `_tablemirror`.
    public static func grants(target: String, on connection: MariaDBConnection) throws -> GrantReport {
        guard let account = try connection.query("SELECT CURRENT_USER()").string(0, 0) else {
            throw EngineError.invalidArgument("the target did not say which account this session is")
        }
        let own = grantee(account)
        let replicas = try ReplicaRegistry.entries(target: target, on: connection).map(\.replica)
        let databases = Set(replicas.map(\.database) + [CheckpointStore.schema]).sorted()
        let privileges = writePrivileges.map(SQLLiteral.quotedString).joined(separator: ", ")
        var writers = Set<Grant>()
        var administrators = Set<String>()
        let global = try connection.query("""
            SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES
            WHERE PRIVILEGE_TYPE IN (\(privileges), 'SUPER') OR IS_GRANTABLE = 'YES'
            """)
        var globalWriters: [(String, String)] = []
        for row in global.rows.indices {
            guard let grantee = global.string(row, 0), let privilege = global.string(row, 1), grantee != own else { continue }
            if privilege == "SUPER" || global.string(row, 2) == "YES" {
                administrators.insert(grantee)
            } else if writePrivileges.contains(privilege) {
                globalWriters.append((grantee, privilege))
            }
        }
        let ownRoles = try roles(heldOnlyBy: [own] + administrators, on: connection)
        for (grantee, privilege) in globalWriters where !administrators.contains(grantee) && !ownRoles.contains(grantee) {
            writers.insert(Grant(grantee: grantee, privilege: privilege, on: "*.*"))
        }
        for database in databases {
            let literal = SQLLiteral.quotedString(database)
            // A grant's database may be a pattern (`orders\_%`): the server's LIKE decides what it covers.
            let schema = try connection.query("""
                SELECT GRANTEE, PRIVILEGE_TYPE, TABLE_SCHEMA FROM information_schema.SCHEMA_PRIVILEGES
                WHERE PRIVILEGE_TYPE IN (\(privileges)) AND \(literal) LIKE TABLE_SCHEMA
                """)
            for row in schema.rows.indices {
                guard let grantee = schema.string(row, 0), grantee != own, !ownRoles.contains(grantee), !administrators.contains(grantee),
                      let privilege = schema.string(row, 1), let pattern = schema.string(row, 2) else { continue }
                writers.insert(Grant(grantee: grantee, privilege: privilege, on: SQLLiteral.identifier(pattern) + ".*"))
            }
        }
        let tables = try connection.query("""
            SELECT GRANTEE, PRIVILEGE_TYPE, TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLE_PRIVILEGES
            WHERE PRIVILEGE_TYPE IN (\(privileges))
            """)
        let watched = Set(replicas)
        for row in tables.rows.indices {
            guard let grantee = tables.string(row, 0), grantee != own, !ownRoles.contains(grantee), !administrators.contains(grantee),
                  let privilege = tables.string(row, 1), let database = tables.string(row, 2), let table = tables.string(row, 3) else { continue }
            let name = QualifiedTableName(database: database, table: table)
            guard watched.contains(name) || database == CheckpointStore.schema else { continue }
            writers.insert(Grant(grantee: grantee, privilege: privilege, on: name.quoted))
        }
        let incomplete = (try? connection.query("SELECT 1 FROM mysql.global_priv LIMIT 1")) == nil
        return GrantReport(writers: writers.sorted(), administrators: administrators.sorted(), incomplete: incomplete)
    }

    /// Roles granted to tablemirror's account that no one else holds but administrators, as grantees are written
    /// (`'role'`, `'role'@''`): their privileges are tablemirror's own. A role another account holds too is
    /// reported like any other grantee. Without read access to `mysql.roles_mapping`, no role counts as own.
    private static func roles(heldOnlyBy holders: [String], on connection: MariaDBConnection) throws -> Set<String> {
        let applicable = try connection.query("SELECT ROLE_NAME FROM information_schema.APPLICABLE_ROLES")
        var own = Set<String>()
        for role in applicable.rows.indices.compactMap({ applicable.string($0, 0) }) {
            guard let mapping = try? connection.query(
                "SELECT User, Host FROM mysql.roles_mapping WHERE BINARY Role = BINARY \(SQLLiteral.quotedString(role))") else { continue }
            let grantees = mapping.rows.indices.map { "'\(mapping.string($0, 0) ?? "")'@'\(mapping.string($0, 1) ?? "")'" }
            if grantees.allSatisfy(holders.contains) { own.formUnion(["'\(role)'", "'\(role)'@''"]) }
        }
        return own
    }

    /// `user@host` as information_schema writes grantees: `'user'@'host'`.
    static func grantee(_ account: String) -> String {
        guard let at = account.lastIndex(of: "@") else { return "'\(account)'" }
        return "'\(account[..<at])'@'\(account[account.index(after: at)...])'"
    }
}
