import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A target held back by a lock another session keeps on its replica: the webhook gets the lag alert once the
/// lag passes its threshold for the grace period, and the resolved alert once the target has caught up.
@Suite("Alerts", .serialized, .enabled(if: TestServer.isConfigured))
struct AlertLiveTests {
    let fixture = BigTableFixture(prefix: "alert")

    @Test func lagAlertWhileHeldBackAndResolvedAfter() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        var configuration = try fixture.configuration(["small"])
        configuration.alerts.lagSeconds = 2
        configuration.alerts.lagGraceSeconds = 1
        configuration.alerts.repeatSeconds = 0
        configuration.alerts.channels = [.webhook(url: receiver.url), .log]
        let running = RunningReplicator(configuration, targets: [fixture.name: TestServer.options()], source: TestServer.options())
        defer { running.stop() }
        #expect(waitUntil(60) { fixture.identical(admin, "small") })

        // Another session holds the replica row: the applier waits on it, the source goes on.
        let holder = try TestServer.connect()
        try holder.execute("SET SESSION innodb_lock_wait_timeout = 30; BEGIN; SELECT * FROM \(fixture.target).small WHERE id = 1 FOR UPDATE")
        try admin.execute("UPDATE \(fixture.source).small SET v = v + 1 WHERE id = 1")
        let key = "lag:\(fixture.name)"
        func alerts(_ state: String) -> [[String: Any]] {
            receiver.received.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { $0["key"] as? String == key && $0["state"] as? String == state }
        }
        #expect(waitUntil(20) { alerts("firing").count == 1 }, "no lag alert: \(receiver.received)")
        #expect(alerts("firing").first?["kind"] as? String == "lag")
        try holder.execute("COMMIT")
        #expect(waitUntil(20) { alerts("resolved").count == 1 }, "no resolved alert: \(receiver.received)")
        #expect(alerts("firing").count == 1, "the alert was repeated while it lasted")
        #expect(fixture.identical(admin, "small"))
    }
}
