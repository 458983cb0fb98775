import Testing
@testable import TablemirrorEngine

struct ConfigurationParserTests {
    private let minimal = """
        source: { host: 127.0.0.1, port: 3306, user: repl, password_env: TM_SOURCE_PASSWORD, server_id: 4242 }
        targets:
          orders:     { host: 127.0.0.1, port: 3307, user: mirror, password_env: TM_ORDERS_PASSWORD, database: orders }
          purchasing: { host: 127.0.0.1, port: 3307, user: mirror, password_env: TM_PURCHASING_PASSWORD, database: purchasing }
        mappings:
          - { source: product.items,      targets: [orders, purchasing] }
          - { source: product.categories, targets: [orders] }
          - { source: "product.batch_*",  targets: [purchasing] }
          - { source: product.stock, targets: [orders], where: "warehouse_id = 105" }
        """

    private func parse(_ text: String) throws(ConfigurationError) -> Configuration {
        try ConfigurationParser(file: "conf/test.yaml").parse(text)
    }

    private func error(_ text: String) -> ConfigurationError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func theIssuesShapeParses() throws {
        let configuration = try parse(minimal)
        #expect(configuration.source.server.port == 3306)
        #expect(configuration.source.serverID == 4242)
        #expect(configuration.targets.map(\.name) == ["orders", "purchasing"])
        #expect(configuration.mappings.count == 4)
        #expect(configuration.mappings[2].source.isPattern)
        #expect(configuration.mappings[3].rowFilter == "warehouse_id = 105")
        #expect(configuration.mappings[0].onError == .stop)
    }

    @Test func highAvailabilityIsOffUnlessConfiguredAndItsTimesAreChecked() throws {
        #expect(try parse(minimal).highAvailability == nil)
        #expect(try parse(minimal + "\nha: {}\n").highAvailability == Configuration.HighAvailability())
        let ha = try #require(try parse(minimal + "\nha: { lease_seconds: 3, renew_seconds: 1, check_seconds: 1, id: host-a }\n").highAvailability)
        #expect(ha.leaseSeconds == 3 && ha.renewSeconds == 1 && ha.checkSeconds == 1 && ha.id == "host-a")
        #expect(ha.sourceLostStepDownSeconds == 9)
        #expect(try parse(minimal + "\nha: { step_down_seconds: 30 }\n").highAvailability?.sourceLostStepDownSeconds == 30)
        #expect(error(minimal + "\nha: { lease_seconds: 4, renew_seconds: 3 }\n")?.key == "ha.renew_seconds")
        #expect(error(minimal + "\nha: { id: \"a b\" }\n")?.key == "ha.id")
        #expect(error(minimal + "\nha: { lease: 3 }\n")?.key == "ha.lease")
    }

    @Test func theExampleFileParses() throws {
        let root = #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
        let configuration = try ConfigurationLoader.load(path: "/\(root)/conf/tablemirror.example.yaml")
        #expect(configuration.mappings.last?.destinations.first?.table == "product_warranty_types")
        #expect(configuration.mappings.last?.onError == .deadLetter)
        #expect(configuration.targets.last?.server.passwordFile != nil)
    }

    @Test func unknownKeyNamesLineAndKey() {
        let text = minimal.replacingOccurrences(of: "password_env: TM_ORDERS_PASSWORD", with: "pasword_env: TM_ORDERS_PASSWORD")
        let found = error(text)
        #expect(found?.line == 3)
        #expect(found?.key == "targets.orders.pasword_env")
        #expect(found?.description.hasPrefix("conf/test.yaml:3: targets.orders.pasword_env: unknown key") == true)
    }

    @Test func unknownTargetInAMapping() {
        let found = error(minimal.replacingOccurrences(of: "targets: [orders] }", with: "targets: [order] }"))
        #expect(found?.line == 7)
        #expect(found?.key == "mappings[1].targets[0]")
        #expect(found?.message.contains("unknown target 'order'") == true)
    }

    @Test func missingUserAndBadPortAndBadTable() {
        #expect(error(minimal.replacingOccurrences(of: "user: repl, ", with: ""))?.key == "source.user")
        let port = error(minimal.replacingOccurrences(of: "port: 3306", with: "port: 70000"))
        #expect(port?.key == "source.port")
        #expect(port?.line == 1)
        #expect(error(minimal.replacingOccurrences(of: "source: product.items,", with: "source: items,"))?.key == "mappings[0].source")
        #expect(error(minimal.replacingOccurrences(of: "where: \"warehouse_id = 105\" }", with: "on_error: retry }"))?.key == "mappings[3].on_error")
    }

    @Test func passwordFromOneSourceOnly() {
        let found = error(minimal.replacingOccurrences(of: "password_env: TM_SOURCE_PASSWORD,", with: "password_env: A, password_file: /x,"))
        #expect(found?.key == "source")
        #expect(found?.message.contains("not both") == true)
    }

    @Test func aServerIsReachedByHostAndPortOrBySocket() throws {
        let bySocket = minimal.replacingOccurrences(of: "orders:     { host: 127.0.0.1, port: 3307,", with: "orders: { socket: /run/mysqld/mysqld.sock,")
        let orders = try #require(try parse(bySocket).targets.first { $0.name == "orders" })
        #expect(orders.server.socket == "/run/mysqld/mysqld.sock")
        let both = minimal.replacingOccurrences(of: "orders:     { host: 127.0.0.1,", with: "orders: { socket: /x, host: 127.0.0.1,")
        #expect(error(both)?.key == "targets.orders.socket")
    }

    @Test func aSourceMayListTheServersOfItsTopologySharingOneAccount() throws {
        let listed = minimal.replacingOccurrences(of: "source: { host: 127.0.0.1, port: 3306,",
                                                  with: "source: { servers: [{ host: db1, port: 3306 }, { host: db2 }, { socket: /run/db3.sock }],")
        let source = try parse(listed).source
        #expect(source.servers.map(\.host) == ["db1", "db2", "127.0.0.1"])
        #expect(source.servers.map(\.port) == [3306, 3306, 3306])
        #expect(source.servers.map(\.socket) == [nil, nil, "/run/db3.sock"])
        #expect(source.servers.allSatisfy { $0.user == "repl" && $0.passwordEnvironmentVariable == "TM_SOURCE_PASSWORD" })
        let both = minimal.replacingOccurrences(of: "source: { host: 127.0.0.1, port: 3306,", with: "source: { host: db0, servers: [{ host: db1 }],")
        #expect(error(both)?.key == "source.host")
        let twice = minimal.replacingOccurrences(of: "source: { host: 127.0.0.1, port: 3306,", with: "source: { servers: [{ host: db1 }, { host: db1, port: 3306 }],")
        #expect(error(twice)?.message.contains("same server twice") == true)
        let empty = minimal.replacingOccurrences(of: "source: { host: 127.0.0.1, port: 3306,", with: "source: { servers: [],")
        #expect(error(empty)?.key == "source.servers")
        let stray = minimal.replacingOccurrences(of: "source: { host: 127.0.0.1, port: 3306,", with: "source: { servers: [{ host: db1, user: x }],")
        #expect(error(stray) != nil)
    }

    @Test func theSnapshotMethodIsAutoUnlessTheTableLockIsForced() throws {
        #expect(try parse(minimal).source.snapshot == .auto)
        let forced = minimal.replacingOccurrences(of: "server_id: 4242 }", with: "server_id: 4242, snapshot: table-lock }")
        #expect(try parse(forced).source.snapshot == .tableLock)
        let wrong = minimal.replacingOccurrences(of: "server_id: 4242 }", with: "server_id: 4242, snapshot: flush }")
        #expect(error(wrong)?.key == "source.snapshot")
    }

    @Test func brokenYAMLSaysWhere() {
        let found = error("source: { host: 127.0.0.1\ntargets: [")
        #expect(found?.line != nil)
        #expect(found?.message.contains("not valid YAML") == true)
    }

    @Test(arguments: [("batch_*", "batch_2024", true), ("batch_*", "batches", false), ("b?t*", "bat", true),
                      ("*", "anything", true), ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXbYY", false)])
    func tablePatterns(pattern: String, name: String, matches: Bool) throws {
        let table = try #require(TablePattern("product.\(pattern)"))
        #expect(table.matches(database: "product", table: name) == matches)
        #expect(!table.matches(database: "other", table: name))
    }

    @Test func alertsParseWithDefaultsAndNameTheirErrors() throws {
        #expect(try parse(minimal).alerts.channels == [.log])
        let configuration = try parse(minimal + """

            alerts:
              lag_seconds: 30
              lag_grace_seconds: 10
              repeat_seconds: 0
              channels:
                - { type: webhook, url: "http://127.0.0.1:9000/hook" }
                - { type: command, command: "logger -t tablemirror" }
                - { type: log }
            """)
        #expect(configuration.alerts.lagSeconds == 30 && configuration.alerts.lagGraceSeconds == 10 && configuration.alerts.repeatSeconds == 0)
        #expect(configuration.alerts.channels == [.webhook(url: "http://127.0.0.1:9000/hook"), .command("logger -t tablemirror"), .log])
        let bad = error(minimal + """

            alerts:
              channels:
                - { type: pager }
            """)
        #expect(bad?.key == "alerts.channels[0].type")
        #expect(bad?.line == 12)
    }

    @Test func checkConfigShowsWebhooksWithoutTheirSecretPath() throws {
        let configuration = try parse(minimal + """

            alerts: { channels: [ { type: webhook, url: "https://hooks.example.com/services/T0/B0/SECRETPART?token=abc" } ] }
            admin: { listen: "0.0.0.0:9000", token_env: TM_ADMIN_TOKEN, tls: { cert_file: /etc/tm/admin.pem, key_file: /etc/tm/admin.key } }
            """)
        let text = ConfigurationLoader.describe(configuration).joined(separator: "\n")
        #expect(text.contains("webhook https://hooks.example.com/…"))
        #expect(!text.contains("SECRETPART") && !text.contains("abc"))
        #expect(text.contains("admin endpoint: 0.0.0.0:9000, token from $TM_ADMIN_TOKEN, HTTPS with certificate /etc/tm/admin.pem"))
        #expect(text.contains("source: repl@127.0.0.1:3306 (password from $TM_SOURCE_PASSWORD; tls preferred)"))
    }

    @Test func aNonLoopbackAdminEndpointNeedsAToken() {
        let bad = error(minimal + """

            admin: { listen: "0.0.0.0:9000" }
            """)
        #expect(bad?.key == "admin.token_env")
    }

    @Test func aReadTokenGoesWithTheAdminToken() throws {
        let configuration = try parse(minimal + """

            admin: { token_env: TM_ADMIN_TOKEN, read_token_file: /etc/tm/read-token }
            """)
        #expect(configuration.admin.readToken == SecretSource(environmentVariable: nil, file: "/etc/tm/read-token"))
        #expect(error(minimal + "\nadmin: { read_token_env: TM_READ }\n")?.key == "admin.token_env")
        #expect(error(minimal + "\nadmin: { token_env: A, read_token_env: B, read_token_file: /c }\n")?.description.contains("not both") == true)
    }
}
