import Testing

struct PromQLReferencesTests {
    @Test func anAggregationGroupsByLabelsAndReadsTheMetricInside() {
        let references = PromQLReferences("max by (target) (tablemirror_lag_seconds) > 60")
        #expect(references.selectors == [.init(metric: "tablemirror_lag_seconds", labels: [])])
        #expect(references.groupingLabels == ["target"])
    }

    @Test func matchersNameTheirSelectorsLabelsAndNeitherValuesNorRangesAreMetrics() {
        let references = PromQLReferences(#"sum(rate(errors_total {target=~"$target", kind!="a,b}"}[$__rate_interval])) by (kind, target)"#)
        #expect(references.selectors == [.init(metric: "errors_total", labels: ["target", "kind"])])
        #expect(references.groupingLabels == ["kind", "target"])
    }

    @Test func functionsKeywordsNumbersAndDurationsAreNotMetrics() {
        let references = PromQLReferences("""
            histogram_quantile(0.95, sum by (target, le) (rate(apply_bucket[5m] offset 1h30m))) > bool 1e3
              and on (target) group_left (kind) failing == 1 or absent(up) unless count_values("v", x) * inf
            """)
        #expect(references.selectors.map(\.metric) == ["apply_bucket", "failing", "up", "x"])
        #expect(references.groupingLabels == ["target", "le", "target", "kind"])
    }

    @Test func aSelectorWithoutANameAndStringsWithIdentifiersInside() {
        let references = PromQLReferences(#"{__name__="up", job='a'} + label_replace(up, "dst", "$1", "src", "(.*)") # trailing comment metric"#)
        #expect(references.selectors == [.init(metric: nil, labels: ["__name__", "job"]), .init(metric: "up", labels: [])])
    }
}
