import BinlogDecoding

/// A stop was asked for while reading.
struct StopRequested: Error {}

/// The applier thread ended with an error; the pipeline reports that error (see `waitUntilDone`).
struct ApplierStopped: Error {}

/// Reading the source failed: it is unreachable, its binlog is gone, or an event is corrupt.
struct SourceFailure: Error, CustomStringConvertible {
    var underlying: any Error
    var description: String { "\(underlying)" }
}

/// The applier failed; where it had got, and whether it was applying carefully then.
struct ApplyFailure: Error, CustomStringConvertible {
    var underlying: any Error
    var position: BinlogPosition?
    var wasCareful: Bool
    var description: String { "\(underlying)" }
}
