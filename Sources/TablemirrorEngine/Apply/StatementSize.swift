import BinlogDecoding

/// How long the SQL for a row must be at least, known before it is built: a row that can never fit the target's
/// `max_allowed_packet` is found without rendering it (tens of megabytes of hex) first.
enum StatementSize {
    /// A lower bound of the bytes a statement writing `image` takes: binary values and text in other sets go as
    /// hex (two characters a byte), text as itself or longer once escaped; anything else counts one.
    static func minimumLength(of image: RowImage) -> Int {
        image.values.reduce(0) { total, value in
            switch value {
            case let .bytes(bytes)?, let .geometry(bytes)?, let .encoded(bytes, _)?: return total + 2 * bytes.count
            case let .text(text)?, let .json(text)?: return total + text.utf8.count
            default: return total + 1
            }
        }
    }
}
