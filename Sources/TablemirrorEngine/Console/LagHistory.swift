/// A target's last hour, for the console's chart: lag and applied rows sampled every `interval` seconds. A plain
/// value kept in the target's status; the monitor's once-a-second look feeds it.
public struct LagHistory: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        /// Seconds since the epoch.
        public var at: Double
        public var lagSeconds: Double
        public var lagBytes: UInt64?
        /// Rows applied since the daemon started, for rows/s between samples.
        public var rows: Int
    }

    public static let interval: Double = 10
    public static let span: Double = 3600

    public private(set) var samples: [Sample] = []

    public init() {}

    /// Keeps `sample` if `interval` has passed since the last one, and forgets what is older than `span`.
    public mutating func offer(_ sample: Sample) {
        if let last = samples.last, sample.at - last.at < Self.interval { return }
        samples.append(sample)
        if let first = samples.first, sample.at - first.at > Self.span {
            samples.removeAll { sample.at - $0.at > Self.span }
        }
    }

    /// Rows per second between each sample and the one before (the first sample has none).
    public var rowRates: [(at: Double, rowsPerSecond: Double)] {
        zip(samples, samples.dropFirst()).map { previous, sample in
            (sample.at, sample.at > previous.at ? Double(max(0, sample.rows - previous.rows)) / (sample.at - previous.at) : 0)
        }
    }
}
