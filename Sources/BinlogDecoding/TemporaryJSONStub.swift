// Temporary until the JSON files land.
public indirect enum JSONValue: Equatable, Sendable { case null
    func jsonText() -> String { "null" } }
enum MySQLJSONBinary { static func decode(_ bytes: ArraySlice<UInt8>) throws(BinlogDecodingError) -> JSONValue { .null } }
enum JSONPartialUpdate { static func apply(diffs: ArraySlice<UInt8>, to document: JSONValue) throws(BinlogDecodingError) -> JSONValue { .null } }
