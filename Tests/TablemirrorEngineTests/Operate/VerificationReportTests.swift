import BinlogDecoding
import Foundation
import Testing
@testable import TablemirrorEngine

struct VerificationReportTests {
    private var comparison: TableComparison {
        var comparison = TableComparison(target: "orders", source: QualifiedTableName(database: "product", table: "items"),
                                         replica: QualifiedTableName(database: "orders", table: "items"), keyColumns: ["id"])
        comparison.chunks = 2
        comparison.sourceRows = 9_000
        comparison.differences = RowDifferences(onlyInSource: [["3"]], onlyInReplica: [["90001"]], different: [["7"], ["8"]])
        return comparison
    }

    @Test func textNamesEveryDifferingRowByKey() {
        #expect(VerificationReport.text([comparison]) == [
            "orders: product.items → orders.items: 9000 source rows in 2 chunks: 1 only in source, 1 only in replica, 2 different",
            "  only in source: id=3", "  only in replica: id=90001", "  different: id=7", "  different: id=8",
        ])
    }

    @Test func jsonHasTheThreeKindsWithTheirKeys() throws {
        let document = try JSONSerialization.jsonObject(with: Data(VerificationReport.json([comparison]).utf8)) as? [String: Any]
        #expect(document?["identical"] as? Bool == false)
        let table = (document?["tables"] as? [[String: Any]])?.first
        #expect(table?["only_in_source"] as? [[String: String]] == [["id": "3"]])
        #expect(table?["only_in_replica"] as? [[String: String]] == [["id": "90001"]])
        #expect(table?["different"] as? [[String: String]] == [["id": "7"], ["id": "8"]])
    }
}
