import Foundation
import Yams

/// conf/monitoring as the tests read it: the Grafana dashboard's queries and the Prometheus rules.
struct MonitoringKit {
    static var directory: String {
        // Tests/TablemirrorEngineTests/Support/MonitoringKit.swift → repository root.
        "/" + #filePath.split(separator: "/").dropLast(4).joined(separator: "/") + "/conf/monitoring"
    }
    static var dashboardFile: String { directory + "/grafana-dashboard.json" }
    static var rulesFile: String { directory + "/prometheus-rules.yaml" }

    /// One PromQL expression and where it was found, for failure messages.
    struct Query {
        var place: String
        var expression: String
    }

    let dashboard: [String: Any]
    /// Every rule of every group, as YAML mappings.
    let rules: [[String: Any]]

    init() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.dashboardFile)))
        guard let dashboard = json as? [String: Any] else { throw KitError("\(Self.dashboardFile): not a JSON object") }
        self.dashboard = dashboard
        let text = try String(contentsOfFile: Self.rulesFile, encoding: .utf8)
        guard let document = try Yams.load(yaml: text) as? [String: Any], let groups = document["groups"] as? [[String: Any]] else {
            throw KitError("\(Self.rulesFile): no `groups` list")
        }
        rules = try groups.flatMap { group -> [[String: Any]] in
            guard let rules = group["rules"] as? [[String: Any]] else { throw KitError("\(Self.rulesFile): a group without `rules`") }
            return rules
        }
    }

    /// The dashboard's template variables.
    var variables: [[String: Any]] { (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? [] }

    /// Panels, those inside collapsed rows included.
    var panels: [[String: Any]] {
        let top = dashboard["panels"] as? [[String: Any]] ?? []
        return top + top.flatMap { $0["panels"] as? [[String: Any]] ?? [] }
    }

    /// Every PromQL expression of the panels and the rules.
    var queries: [Query] {
        let panelQueries = panels.flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { target in
                (target["expr"] as? String).map { Query(place: "panel \"\(panel["title"] as? String ?? "?")\"", expression: $0) }
            }
        }
        let ruleQueries = rules.compactMap { rule in
            (rule["expr"] as? String).map { Query(place: "rule \(rule["alert"] as? String ?? "?")", expression: $0) }
        }
        return panelQueries + ruleQueries
    }

    /// The variables' `label_values(METRIC, LABEL)` queries, as (variable, metric, label).
    var labelValuesQueries: [(variable: String, metric: String, label: String)] {
        variables.compactMap { variable in
            let query = (variable["query"] as? [String: Any])?["query"] as? String ?? variable["query"] as? String ?? ""
            guard let match = query.wholeMatch(of: #/\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*/#) else {
                return nil
            }
            return (variable["name"] as? String ?? "?", String(match.1), String(match.2))
        }
    }
}

struct KitError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
