import BinlogDecoding
import Foundation
import Testing
@testable import TablemirrorEngine

/// The console's page from a snapshot, without a server: every name and message from elsewhere is HTML-escaped,
/// URLs carry names percent-encoded, and a token that may only read gets no working buttons.
struct ConsolePageTests {
    private func snapshot(table: String, error: String) -> ConsoleSnapshot {
        var target = StatusReport.Target(name: "orders", state: "running")
        target.error = error
        target.rowsPerSecond = 12
        var report = StatusReport(head: SourceHead(position: BinlogPosition(file: "bin.000002", offset: 400), gtid: "0-1-9"),
                                  targets: [target, StatusReport.Target(name: "purchasing", state: "unreachable")], maxLag: 60)
        report.binlogSizes = ["bin.000001": 1024, "bin.000002": 4096]
        let source = QualifiedTableName(database: "shop", table: table)
        var details = ConsoleSnapshot.TargetDetails()
        details.tables = [ConsoleSnapshot.TableRow(source: source, replica: QualifiedTableName(database: "orders", table: table), filter: "a < 5",
                                                   rowsApplied: 42, lastAppliedAt: 1_700_000_000, copy: nil,
                                                   verification: VerificationStore.Result(checkedAt: 1_700_000_100, sourceRows: 10, onlyInSource: 0,
                                                                                          onlyInReplica: 1, different: 2))]
        var alerts = AlertLog()
        alerts.record(Alert(key: "lag:orders", kind: "lag", target: "orders", state: .firing, message: "behind <b>", since: 1, at: 2))
        return ConsoleSnapshot(takenAt: Date(timeIntervalSince1970: 1_700_000_200), report: report, live: [:],
                               details: ["orders": details], alerts: alerts, oldestNeededFile: "bin.000002")
    }

    @Test func namesAndMessagesAreEscapedAndURLsEncoded() throws {
        let hostile = "t\"><script>alert(1)</script>"
        let html = try ConsolePage().page(ConsoleModel.context(snapshot(table: hostile, error: "<img src=x onerror=alert(2)>"), canAct: true))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("behind <b>") && html.contains("behind &lt;b&gt;"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("data-url=\"/resync/shop.t%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E?target=orders\""))
        #expect(html.contains("data-target=\"purchasing\" data-state=\"unreachable\""))
        #expect(html.contains("class=\"verify\" data-result=\"differs\""))
        #expect(html.contains("oldest still needed"))
        #expect(!html.contains("disabled>resync"))
    }

    @Test func aReadOnlySessionGetsDisabledButtons() throws {
        let body = try ConsolePage().body(ConsoleModel.context(snapshot(table: "items", error: ""), canAct: false))
        #expect(body.contains("data-action=\"resync\"") && body.contains("disabled>resync"))
        #expect(body.contains("class=\"state\">running"))
    }

    @Test func statesHaveColours() {
        #expect(ConsoleModel.stateClass("running") == "ok")
        #expect(ConsoleModel.stateClass("catching up") == "busy")
        #expect(ConsoleModel.stateClass("stopped with error") == "bad")
        #expect(ConsoleModel.stateClass("unreachable") == "bad")
        #expect(ConsoleModel.stateClass("daemon not running") == "warn")
        #expect(ConsoleModel.bytes(1536) == "1.5 KiB" && ConsoleModel.duration(3725) == "1 h 2 min")
    }
}
