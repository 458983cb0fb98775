/// Conditions on a primary key given as column names and SQL literals, spelled out so the server can use a
/// range scan on the key (`a > x OR (a = x AND b > y)` rather than a row comparison).
enum KeyRange {
    /// `key > values` in key order.
    static func after(_ columns: [String], _ values: [String]) -> String {
        let alternatives = columns.indices.map { last in
            (0..<last).map { "\(columns[$0]) = \(values[$0])" } + ["\(columns[last]) > \(values[last])"]
        }
        return "(" + alternatives.map { "(" + $0.joined(separator: " AND ") + ")" }.joined(separator: " OR ") + ")"
    }

    /// The rows after `lower` (from the start when nil) up to and including `upper` (to the end when nil).
    static func between(_ columns: [String], after lower: [String]?, upTo upper: [String]?) -> String? {
        var conditions: [String] = []
        if let lower { conditions.append(after(columns, lower)) }
        if let upper { conditions.append("NOT " + after(columns, upper)) }
        return conditions.isEmpty ? nil : conditions.joined(separator: " AND ")
    }

    /// `(k1, k2) IN ((…), (…))` for a list of keys.
    static func among(_ columns: [String], _ keys: [[String]]) -> String {
        "(" + columns.joined(separator: ", ") + ") IN (" + keys.map { "(" + $0.joined(separator: ", ") + ")" }.joined(separator: ", ") + ")"
    }
}
