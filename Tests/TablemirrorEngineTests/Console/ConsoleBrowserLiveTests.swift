import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The console in a real browser (headless chromium, scripts/lib/browser.py) against `tablemirror run` replicating
/// a workload into two targets: the token rules (no data without a token, the read token looks but cannot act), the
/// figures against `tablemirror status --json`, the lag chart, resync and verify through the buttons and the
/// confirmation dialog, a target whose server stops, and the page saying so once the daemon stops. Screenshots of
/// each state go to .build/test-output/console/. The source is a server of this suite's own, so that no other
/// suite's writes keep its lags from reaching zero (and the 200,000 rows stay out of the shared source's binlog);
/// so is the second target's, which the test stops.
@Suite("Console in a browser", .serialized,
       .enabled(if: TestServer.isConfigured && TestTargetServer.isConfigured && DaemonProcess.isBuilt
                    && BrowserDriver.isAvailable,
                "needs the test servers (TM_TEST_*), the built daemon (.build/debug/tablemirror), /usr/bin/chromium and python3"))
struct ConsoleBrowserLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_csrc_\(id)" }
    /// Target on the suites' shared target server: `orders` (200,000 rows, resynced and verified from the page) and
    /// `events`.
    var warehouse: String { "warehouse_\(id)" }
    var warehouseDatabase: String { "tm_cwh_\(id)" }
    /// Target on this suite's own server, stopped mid-test: `events` only.
    var reports: String { "reports_\(id)" }
    var reportsDatabase: String { "tm_crep_\(id)" }
    var token: String { "console-admin-\(id)" }
    var readToken: String { "console-read-\(id)" }
    static let orderRows = 200_000

    /// Where the screenshots go: .build/test-output/console/ in the repository.
    static var outputDirectory: String {
        let root = "/" + #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
        return "\(root)/.build/test-output/console"
    }

    @Test func theConsoleShowsBothTargetsActsAfterConfirmationAndSaysWhenATargetOrTheDaemonStops() throws {
        let started = Date()
        try FileManager.default.createDirectory(atPath: Self.outputDirectory, withIntermediateDirectories: true)
        print("console browser test: screenshots and chromium's log in \(Self.outputDirectory)")

        let sourceServer = try ThrowawayServer(name: "tm-test-console-source", offset: 7)
        defer { sourceServer.stop() }
        let reportsServer = try ThrowawayServer(name: "tm-test-console-reports", offset: 8)
        defer { reportsServer.stop() }
        let admin = try sourceServer.connect()
        let warehouseAdmin = try TestTargetServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source);
            CREATE TABLE \(source).orders (id INT PRIMARY KEY, customer INT NOT NULL, amount DECIMAL(10,2), note VARCHAR(40));
            INSERT INTO \(source).orders SELECT seq, seq % 977, seq / 100, CONCAT('order ', seq) FROM \(source).seq_1_to_\(Self.orderRows);
            CREATE TABLE \(source).events (id INT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(20) NOT NULL, amount INT NOT NULL)
            """)
        try warehouseAdmin.execute("CREATE DATABASE \(warehouseDatabase)")
        try reportsServer.connect().execute("CREATE DATABASE \(reportsDatabase)")
        defer {
            removeTestDatabases(warehouseAdmin, source: source, replicas: [warehouseDatabase], targets: [warehouse])
            _ = try? warehouseAdmin.execute("DELETE FROM _tablemirror.verification WHERE target = '\(warehouse)'")
        }

        let port = adminTestPort(id)
        let base = "http://127.0.0.1:\(port)"
        let yaml = configuration(port: port, sourcePort: sourceServer.port, reportsPort: reportsServer.port)
        let configFile = try DaemonProcess.configFile(yaml)
        defer { try? FileManager.default.removeItem(atPath: configFile) }
        let tokens = ["TM_CONSOLE_TOKEN": token, "TM_CONSOLE_READ_TOKEN": readToken]
        let daemon = try DaemonProcess(yaml: yaml, environment: tokens)
        defer { daemon.stop() }
        try #require(waitUntil(60) { httpRequest(base + "/healthz", token: token).0 == 200 }, "the daemon's endpoint did not answer")

        let workload = EventsWorkload(sourceServer.options(database: source))
        defer { workload.stop() }

        // Before any login: no data and no action, whatever the route (the POSTs name a real table and target).
        let orders = "\(source).orders"
        let actions = ["/resync/\(orders)?target=\(warehouse)", "/repair/\(orders)?target=\(warehouse)",
                       "/verify/\(orders)?target=\(warehouse)", "/dead-letters/\(warehouse)/retry?ids=1",
                       "/dead-letters/\(warehouse)/discard?ids=1"]
        #expect(waitUntil(120) { copiesLeft(warehouseAdmin) == 0 }, "the initial copy of \(orders) did not end")
        let (pageStatus, pageBody) = httpRequest(base + "/")
        #expect(pageStatus == 303 && !pageBody.contains(source), "GET / without a token: \(pageStatus)")
        for path in ["/console/body", "/status", "/metrics"] {
            let (status, body) = httpRequest(base + path)
            #expect(status == 401 && !body.contains(source), "GET \(path) without a token: \(status)")
            #expect(httpRequest(base + path, token: "console-admin-wrong").0 == 401, "GET \(path) with a wrong token")
            #expect(httpRequest(base + path, token: readToken).0 == 200, "GET \(path) with the read token")
        }
        for path in actions {
            #expect(httpRequest(base + path, method: "POST").0 == 401, "POST \(path) without a token")
            #expect(httpRequest(base + path, method: "POST", token: readToken).0 == 403, "POST \(path) with the read token")
        }
        #expect(copiesLeft(warehouseAdmin) == 0, "a refused POST requested a copy")
        #expect(verifications(warehouseAdmin) == 0, "a refused POST ran a verification")

        let browser = try BrowserDriver(log: "\(Self.outputDirectory)/chromium.log")
        defer { browser.quit() }
        let landed = try browser.open(base + "/")
        #expect(landed.hasSuffix("/console/login"), "GET / without a cookie landed on \(landed)")
        #expect(try browser.evaluate("document.querySelector('section.target') === null && !!document.querySelector('input[name=token]')")
            as? Bool == true)
        #expect(try browser.evaluate("fetch('/console/body').then(r => r.status)") as? Int == 401)

        try logIn(browser, "console-admin-wrong")
        try browser.wait("location.pathname === '/console/login' && !!document.querySelector('p.error')", timeout: 30)

        // The read token: the page with its data, every button disabled, and its POSTs refused even with the header.
        try logIn(browser, readToken)
        try browser.wait("document.querySelectorAll('section.target').length === 2", timeout: 30)
        #expect(try browser.evaluate("""
            document.body.dataset.canAct === 'false' && !!document.querySelector('.readonly')
              && document.querySelectorAll('button[data-action]').length >= 3
              && [...document.querySelectorAll('button[data-action]')].every(b => b.disabled)
            """) as? Bool == true, "the read token's page offers actions")
        try browser.click(rowButton(warehouse, orders, "resync"))
        #expect(try browser.evaluate("document.getElementById('confirm').open") as? Bool == false, "a disabled button opened the dialog")
        #expect(try browser.evaluate(post(actions[0], consoleHeader: true)) as? Int == 403)

        // The admin token: a cookie script cannot read, which acts only with the console's own header.
        try browser.clearCookies()
        #expect(try browser.open(base + "/").hasSuffix("/console/login"), "the cookie outlived clearing")
        try logIn(browser, token)
        try browser.wait("document.querySelectorAll('section.target').length === 2 && document.body.dataset.canAct === 'true'", timeout: 30)
        #expect(try browser.evaluate("document.cookie.includes('console-admin')") as? Bool == false, "the token cookie is readable by script")
        #expect(try browser.evaluate(post(actions[2], consoleHeader: false)) as? Int == 403, "the cookie acted without the console's header")
        #expect(verifications(warehouseAdmin) == 0)

        // A page whose cookie is gone (cleared, expired, or the daemon restarted with another token) cannot act, and
        // says why rather than that the daemon is down.
        try browser.clearCookies()
        try browser.click(rowButton(warehouse, orders, "verify"))
        try browser.wait("document.getElementById('confirm').open", timeout: 10)
        try browser.click("#confirm-yes")
        let refused = try browser.wait("""
            (function () { var r = document.getElementById('action-result');
              return r.dataset.action === 'verify' && r.dataset.status === 'error' ? r.textContent : ''; })()
            """, timeout: 30) as? String
        #expect(refused == "verify: HTTP 401", "\(String(describing: refused))")
        try browser.wait("document.body.dataset.stale === 'true' && document.getElementById('stale').textContent.includes('log in again')",
                         timeout: 30)
        #expect(verifications(warehouseAdmin) == 0)
        try logIn(browser, token)
        try browser.wait("document.querySelectorAll('section.target').length === 2 && document.body.dataset.stale === 'false'", timeout: 30)

        // Both targets replicating the workload, with a chart of at least two samples (one every 10 s).
        try browser.wait("""
            [...document.querySelectorAll('section.target')].every(s => ['running', 'catching up'].includes(s.dataset.state)
              && Number(s.querySelector('figure.chart').dataset.points) >= 2
              && Number(s.querySelector('svg.lag-chart').dataset.points) >= 2
              && s.querySelector('polyline.lag').getAttribute('points').trim().split(' ').length >= 2
              && Number(s.querySelector('tr[data-table="\(source).events"] .rows-applied').textContent) > 0)
            """, timeout: 90)

        // The figures against `tablemirror status --json`, read one after the other while rows are written: lags that
        // differ by no more than the time between the two reads allows.
        let shown = try consoleFigures(browser)
        let status = try statusFigures(configFile)
        for target in [warehouse, reports] {
            let page = try #require(shown[target]), cli = try #require(status[target])
            #expect(abs(page.seconds - cli.seconds) < 10, "\(target): console \(page), status \(cli)")
            #expect(abs(Double(page.bytes) - Double(cli.bytes)) < 4_000_000, "\(target): console \(page), status \(cli)")
        }
        // With the workload paused both catch up: then the two must agree exactly (zero).
        workload.pause(true)
        #expect(waitUntil(60, every: 0.5) {
            (try? statusFigures(configFile))?.values.allSatisfy { $0.bytes == 0 && $0.seconds == 0 && $0.state == "running" } == true
        }, "status --json does not show both targets caught up: \(String(describing: try? statusFigures(configFile)))")
        try browser.wait("""
            [...document.querySelectorAll('section.target')].every(s => s.dataset.state === 'running'
              && s.querySelector('.lag-bytes').dataset.value === '0' && Number(s.querySelector('.lag-seconds').dataset.value) === 0)
            """, timeout: 30)
        #expect(try statusFigures(configFile).values.allSatisfy { $0.bytes == 0 && $0.seconds == 0 })
        try browser.screenshot("\(Self.outputDirectory)/1-loaded.png")
        workload.pause(false)

        // Resync `orders` in the warehouse: the dialog, then the copy's progress, then its end. The copy takes about a
        // second here, less than the page's 3 s refresh, so a row half-way through the replica is locked before it
        // starts (SELECT … FOR UPDATE in an open transaction on the target): the chunks before it land, the one
        // holding it waits — the copy stands part way, however fast the machine, until the page has shown it.
        let copy = "\(row(warehouse, orders)) .copy-progress"
        try browser.click(rowButton(warehouse, orders, "resync"))
        try browser.wait("document.getElementById('confirm').open && document.getElementById('confirm-text').textContent.includes('resync')",
                         timeout: 10)
        let locker = try TestTargetServer.connect()
        try locker.execute("BEGIN; SELECT id FROM \(warehouseDatabase).orders WHERE id = \(Self.orderRows / 2) FOR UPDATE")
        var locked = true
        defer { if locked { _ = try? locker.execute("ROLLBACK") } }
        try browser.click("#confirm-yes")
        let underWay = waitUntil(60, every: 0.05) {
            copyState(warehouseAdmin).map { $0.state == "copying" && $0.rows >= Self.orderRows / 5 } ?? false
        }
        try #require(underWay, "the resync did not get a fifth of the way: \(String(describing: copyState(warehouseAdmin)))")
        // Held once two looks a second apart agree.
        var held = copyState(warehouseAdmin)
        #expect(waitUntil(60) {
            Thread.sleep(forTimeInterval: 1)
            let now = copyState(warehouseAdmin)
            defer { held = now }
            return now?.rows == held?.rows
        }, "the copy did not stop at the locked row")
        #expect(held?.state == "copying" && (held?.rows ?? 0) < Self.orderRows, "the copy ended before the locked row: \(String(describing: held))")
        try browser.wait("""
            (function () { var r = document.getElementById('action-result');
              return r.dataset.action === 'resync' && r.dataset.status === 'ok'; })()
            """, timeout: 60)
        // The page shows the copy as the target holds it (a refresh from before may show fewer rows first).
        let heldRows = held?.rows ?? -1
        try browser.wait("""
            (function () { var p = document.querySelector('\(copy)');
              return !!p && p.dataset.copyState === 'copying' && Number(p.dataset.rows) === \(heldRows); })()
            """, timeout: 30)
        try browser.screenshot("\(Self.outputDirectory)/2-resync-in-progress.png")
        try locker.execute("ROLLBACK")
        locked = false
        try browser.wait("!document.querySelector('\(copy)')", timeout: 120)
        #expect(copiesLeft(warehouseAdmin) == 0)

        // Verify it: the result in the table's row.
        try browser.click(rowButton(warehouse, orders, "verify"))
        try browser.wait("document.getElementById('confirm').open && document.getElementById('confirm-text').textContent.includes('verify')",
                         timeout: 10)
        try browser.click("#confirm-yes")
        try browser.wait("""
            (function () { var r = document.getElementById('action-result');
              return r.dataset.action === 'verify' && r.dataset.status !== 'running' ? r.dataset.status + ': ' + r.textContent : ''; })()
            """, timeout: 120)
        #expect(try browser.evaluate("document.getElementById('action-result').dataset.status") as? String == "ok")
        try browser.wait("document.querySelector('\(row(warehouse, orders)) .verify').dataset.result === 'identical'", timeout: 30)
        let verifyText = try browser.evaluate("document.querySelector('\(row(warehouse, orders)) .verify').textContent") as? String
        #expect(verifyText?.contains("identical (\(Self.orderRows) rows)") == true, "\(String(describing: verifyText))")
        try browser.screenshot("\(Self.outputDirectory)/3-verified.png")

        // The reports target's server stops: that target shown unreachable, the warehouse still running.
        try reportsServer.pause()
        try browser.wait("""
            document.querySelector('section.target[data-target="\(reports)"]').dataset.state.includes('unreachable')
              && ['running', 'catching up'].includes(document.querySelector('section.target[data-target="\(warehouse)"]').dataset.state)
            """, timeout: 60)
        #expect(try statusFigures(configFile)[reports]?.state == "unreachable")
        try browser.screenshot("\(Self.outputDirectory)/4-target-unreachable.png")

        // The daemon stops: the page keeps its last figures and says they may be stale.
        workload.stop()
        #expect(daemon.stop() == 0)
        try browser.wait("""
            document.body.dataset.stale === 'true' && !document.getElementById('stale').hidden
              && document.getElementById('stale').textContent.includes('does not answer')
            """, timeout: 30)
        #expect(try browser.evaluate("document.querySelectorAll('section.target').length") as? Int == 2)
        try browser.screenshot("\(Self.outputDirectory)/5-stale.png")
        print("console browser test: done in \(Int(Date().timeIntervalSince(started))) s")
    }

    private func configuration(port: Int, sourcePort: Int, reportsPort: Int) -> String {
        let server = TestServer.options(), target = TestTargetServer.options()
        let login = "user: \(server.user), password_env: TM_TEST_PASSWORD"
        return """
            source: { host: \(server.host), port: \(sourcePort), \(login), server_id: \(7000 + id % 1000) }
            targets:
              \(warehouse): { host: \(target.host), port: \(target.port), \(login), database: \(warehouseDatabase) }
              \(reports): { host: \(server.host), port: \(reportsPort), \(login), database: \(reportsDatabase) }
            mappings:
              - { source: \(source).orders, targets: [\(warehouse)] }
              - { source: \(source).events, targets: [\(warehouse), \(reports)] }
            admin: { listen: "127.0.0.1:\(port)", token_env: TM_CONSOLE_TOKEN, read_token_env: TM_CONSOLE_READ_TOKEN }
            """
    }

    /// Types `token` into the login form and submits it with a click, as a person would.
    private func logIn(_ browser: BrowserDriver, _ token: String) throws {
        if try browser.evaluate("location.pathname") as? String != "/console/login" {
            try browser.open("http://127.0.0.1:\(adminTestPort(id))/console/login")
        }
        try browser.type("input[name=token]", token)
        try browser.click("form button[type=submit]")
    }

    private func row(_ target: String, _ table: String) -> String {
        "section.target[data-target=\"\(target)\"] tr[data-table=\"\(table)\"]"
    }

    private func rowButton(_ target: String, _ table: String, _ action: String) -> String {
        "\(row(target, table)) button[data-action=\"\(action)\"]"
    }

    /// A POST from the page's own script context (its cookie sent), with or without the console's header; its status.
    private func post(_ path: String, consoleHeader: Bool) -> String {
        let headers = consoleHeader ? "{'X-Tablemirror-Console': '1'}" : "{}"
        return "fetch('\(path)', {method: 'POST', credentials: 'same-origin', headers: \(headers)}).then(r => r.status)"
    }

    struct Figures: Equatable {
        var state: String
        var seconds: Double
        var bytes: Int
    }

    /// Per target, what the page shows (the raw numbers in its data attributes).
    private func consoleFigures(_ browser: BrowserDriver) throws -> [String: Figures] {
        let read = try browser.evaluate("""
            [...document.querySelectorAll('section.target')].map(s => [s.dataset.target, s.dataset.state,
              s.querySelector('.lag-seconds').dataset.value, s.querySelector('.lag-bytes').dataset.value])
            """) as? [[String]] ?? []
        return Dictionary(read.compactMap { fields -> (String, Figures)? in
            guard fields.count == 4, let seconds = Double(fields[2]), let bytes = Int(fields[3]) else { return nil }
            return (fields[0], Figures(state: fields[1], seconds: seconds, bytes: bytes))
        }, uniquingKeysWith: { first, _ in first })
    }

    /// Per target, what `tablemirror status --json` says (asking the daemon with the admin token).
    private func statusFigures(_ configFile: String) throws -> [String: Figures] {
        let (_, output) = try DaemonProcess.command(["status", "--config", configFile, "--json"],
                                                    environment: ["TM_CONSOLE_TOKEN": token, "TM_CONSOLE_READ_TOKEN": readToken])
        let document = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let targets = document?["targets"] as? [[String: Any]] ?? []
        return Dictionary(targets.compactMap { target -> (String, Figures)? in
            guard let name = target["name"] as? String, let state = target["state"] as? String else { return nil }
            let seconds = (target["lag_seconds"] as? NSNumber)?.doubleValue ?? -1
            let bytes = (target["lag_bytes"] as? NSNumber)?.intValue ?? -1
            return (name, Figures(state: state, seconds: seconds, bytes: bytes))
        }, uniquingKeysWith: { first, _ in first })
    }

    private func copiesLeft(_ connection: MariaDBConnection) -> Int {
        (try? connection.query("SELECT COUNT(*) FROM _tablemirror.copy WHERE target = '\(warehouse)' AND state <> 'done'"))
            .flatMap { $0.string(0, 0) }.flatMap { Int($0) } ?? -1
    }

    /// The warehouse's copy of `orders` as the target records it (state, rows copied).
    private func copyState(_ connection: MariaDBConnection) -> (state: String, rows: Int)? {
        let query = "SELECT state, rows_copied FROM _tablemirror.copy WHERE target = '\(warehouse)' AND source_database = '\(source)' "
            + "AND source_table = 'orders'"
        guard let result = try? connection.query(query), let state = result.string(0, 0),
              let rows = result.string(0, 1).flatMap({ Int($0) }) else { return nil }
        return (state, rows)
    }

    private func verifications(_ connection: MariaDBConnection) -> Int {
        (try? connection.query("SELECT COUNT(*) FROM _tablemirror.verification WHERE target = '\(warehouse)'"))
            .flatMap { $0.string(0, 0) }.flatMap { Int($0) } ?? 0
    }
}
