#if canImport(Glibc)
import Glibc
#endif
import BinlogDecoding
import Testing

/// The binlog files in ../shared/fixtures (or $TM_TEST_FIXTURES), split into events.
enum Fixtures {
    static var root: String {
        if let path = getenv("TM_TEST_FIXTURES") { return String(cString: path) }
        // Tests/BinlogDecodingTests/Support/Fixtures.swift → repository root → ../shared/fixtures
        let parts = #filePath.split(separator: "/").dropLast(4)
        return "/" + parts.joined(separator: "/") + "/../shared/fixtures"
    }

    /// Whether the fixtures are there: a repository cloned alone has none, and its fixture suites are skipped.
    static var isAvailable: Bool { access(root + "/binlogs", F_OK) == 0 }

    static let missingComment: Comment = """
        no binlog fixtures at \(root)/binlogs. They are the project's shared folder, checked out beside \
        the repository as ../shared (or anywhere, named by TM_TEST_FIXTURES)
        """

    static func binlogFiles() -> [String] {
        var files: [String] = []
        let base = root + "/binlogs"
        for directory in listDirectory(base) {
            for name in listDirectory(base + "/" + directory) where !name.hasSuffix(".txt") {
                files.append(base + "/" + directory + "/" + name)
            }
        }
        return files.sorted()
    }

    static func readFile(_ path: String) -> [UInt8] {
        guard let handle = fopen(path, "rb") else { return [] }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// The whole events of a file, in order; stops at the first framing error (corrupt fixtures).
    static func events(_ path: String) -> [[UInt8]] {
        var framer = EventFramer()
        framer.append(readFile(path))
        var events: [[UInt8]] = []
        while let event = try? framer.next() { events.append(event) }
        return events
    }

    private static func listDirectory(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
