#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import MariaDBClient
import TablemirrorEngine

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the row changes and DDL in binlog files or a live server's binlog.")

    @Argument(help: "Binlog files to decode, in order.")
    var files: [String] = []

    @OptionGroup var server: ServerOptions

    @Option(help: "Binlog file to start from (remote). Default: the server's first binlog.")
    var startFile: String?
    @Option(help: "Position in --start-file to start from.")
    var startPos: UInt64 = 4
    @Option(help: "GTID position to start from: MariaDB 'domain-server-seq,...' or a MySQL GTID set.")
    var startGtid: String?
    @Flag(help: "End at the end of the server's binlog instead of waiting for new events.")
    var stopAtEnd = false
    @Option(help: "Server id to use as a replica (must be unique among the source's replicas).")
    var serverId: UInt32 = 4201
    @Flag(help: "One JSON object per line.")
    var json = false

    func validate() throws {
        if files.isEmpty && server.host == nil { throw ValidationError("give binlog files or --host") }
        if !files.isEmpty && server.host != nil { throw ValidationError("give either files or --host, not both") }
    }

    func run() throws {
        let input: DecodeRequest.Input
        if server.host != nil {
            let options = try server.connectionOptions()
            let start: BinlogStreamRequest.Start
            if let gtid = startGtid {
                start = gtid.contains(":") ? .mysqlGTIDSet(gtid) : .mariadbGTID(gtid)
            } else {
                start = .position(file: startFile ?? "", offset: startPos)
            }
            input = .remote(options, BinlogStreamRequest(start: start, serverID: serverId, stopAtEnd: stopAtEnd))
        } else {
            input = .files(files)
        }
        do {
            let summary = try DecodeCommandRunner.run(DecodeRequest(input: input, json: json))
            printError(summary)
        } catch {
            printError("tablemirror decode: \(error)")
            throw ExitCode.failure
        }
    }
}

func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}
