/// Admission of the admin endpoint's resync and repair requests. Each one opens source and target connections
/// and may read whole tables, so: one request per table at a time, and at most `limit` running at once.
struct AdminWorkAdmission: Sendable, Equatable {
    enum Decision: Sendable, Equatable {
        case admitted
        /// A request for this table is still running (HTTP 409).
        case tableBusy
        /// `limit` requests are running (HTTP 429).
        case full
    }

    let limit: Int
    private(set) var running: Set<String> = []

    init(limit: Int) {
        self.limit = limit
    }

    mutating func begin(_ table: String) -> Decision {
        if running.contains(table) { return .tableBusy }
        if running.count >= limit { return .full }
        running.insert(table)
        return .admitted
    }

    mutating func end(_ table: String) {
        running.remove(table)
    }
}

/// The admission shared by the endpoint's request handlers.
final class AdminWorkGate: Sendable {
    /// Two: enough for an operator to repair one table while another resyncs, few enough that the endpoint
    /// cannot be made to open connections and read tables without bound.
    static let defaultLimit = 2

    private let admission: LockedBox<AdminWorkAdmission>

    init(limit: Int = AdminWorkGate.defaultLimit) {
        admission = LockedBox(AdminWorkAdmission(limit: limit))
    }

    /// The tables whose requests are running, sorted (for /status).
    var running: [String] { admission.value.running.sorted() }

    /// Runs `work` if admitted; otherwise returns the refusal without running it.
    func run<Result: Sendable>(table: String, _ work: () async throws -> Result) async rethrows -> (AdminWorkAdmission.Decision, Result?) {
        let decision = admission.modify { $0.begin(table) }
        guard decision == .admitted else { return (decision, nil) }
        defer { admission.modify { $0.end(table) } }
        return (decision, try await work())
    }
}
