import BinlogDecoding

/// How far a target has applied the source: the position after the last source transaction it committed.
public struct Checkpoint: Sendable, Equatable {
    public var position: BinlogPosition
    /// The GTID of that transaction, where the source has GTIDs.
    public var gtid: String?
    /// The source's commit time of that transaction (seconds since the epoch), for lag.
    public var sourceTimestamp: UInt32

    public init(position: BinlogPosition, gtid: String?, sourceTimestamp: UInt32) {
        self.position = position
        self.gtid = gtid
        self.sourceTimestamp = sourceTimestamp
    }
}
