import Foundation
import Testing

/// conf/monitoring on its own: the rules are complete and valid for promtool, and the dashboard has the shape
/// Grafana imports. What they query is checked against a live daemon in `MonitoringKitLiveTests`.
struct MonitoringKitTests {
    @Test func everyRuleHasAnAlertExpressionDurationSeverityAndSummary() throws {
        let kit = try MonitoringKit()
        #expect(kit.rules.count >= 6)
        for rule in kit.rules {
            let name = rule["alert"] as? String
            #expect(name?.isEmpty == false, "a rule without `alert`: \(rule)")
            #expect((rule["expr"] as? String)?.isEmpty == false, "\(name ?? "?"): no expr")
            #expect(rule["for"] is String, "\(name ?? "?"): no `for`")
            #expect(["critical", "warning", "info"].contains((rule["labels"] as? [String: Any])?["severity"] as? String ?? ""),
                    "\(name ?? "?"): no severity label")
            let summary = (rule["annotations"] as? [String: Any])?["summary"] as? String ?? ""
            #expect(!summary.isEmpty, "\(name ?? "?"): no summary")
            // Alerts about one target say which; only the rule about no daemon at all has no target to name.
            let aboutTargets = PromQLReferences(rule["expr"] as? String ?? "").groupingLabels.contains("target")
            #expect(!aboutTargets || summary.contains("{{ $labels.target }}"), "\(name ?? "?"): the summary does not name the target")
        }
    }

    /// promtool comes with Debian's `prometheus` package (scripts/test.sh installs it); without it this test is
    /// skipped, and the rules are still checked by the other tests here and against a live daemon. `test rules`
    /// runs prometheus-rules.test.yaml: each rule fires on the series it is meant for, with its labels and
    /// annotations, once per target under `ha:`, and not on the others.
    @Test(.enabled(if: promtool != nil, "promtool is not installed (Debian: apt-get install prometheus)"))
    func promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws {
        for arguments in [["check", "rules", MonitoringKit.rulesFile], ["test", "rules", MonitoringKit.directory + "/prometheus-rules.test.yaml"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(promtool))
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "promtool \(arguments.joined(separator: " ")): \(text)")
        }
    }

    @Test func theDashboardHasADataSourceAndATargetVariableAndPanelsThatQuery() throws {
        let kit = try MonitoringKit()
        #expect((kit.dashboard["schemaVersion"] as? Int ?? 0) >= 36)
        let datasource = kit.variables.first { $0["name"] as? String == "datasource" }
        #expect(datasource?["type"] as? String == "datasource")
        #expect(datasource?["query"] as? String == "prometheus")
        #expect(kit.labelValuesQueries.contains { $0 == ("target", "tablemirror_up", "target") })
        let queried = kit.panels.filter { $0["type"] as? String != "row" }
        #expect(queried.count >= 12)
        for panel in queried {
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty && targets.allSatisfy { $0["expr"] is String }, "panel \(panel["title"] ?? "?") has no query")
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}")
        }
    }
}

/// Where promtool is, if it is installed.
private let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
