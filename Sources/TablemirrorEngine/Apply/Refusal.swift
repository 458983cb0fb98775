import MariaDBClient

extension MariaDBConnection {
    /// Runs `sql`; returns the error if the server refused it for good (a retryable error is thrown: the whole
    /// group is tried again).
    func refusal(of sql: String) throws(MariaDBError) -> MariaDBError? {
        do {
            try execute(sql)
            return nil
        } catch {
            if error.isRetryable { throw error }
            return error
        }
    }
}
