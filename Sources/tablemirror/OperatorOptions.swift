import ArgumentParser
import MariaDBClient
import TablemirrorEngine

/// What every operator command needs: the configuration, its connections, and the plan resolved on the source.
struct OperatorOptions: ParsableArguments {
    @Option(help: "The configuration file.")
    var config: String = "conf/tablemirror.yaml"

    func load() throws -> (Configuration, Replicator.Connections, ReplicationPlan) {
        let configuration = try ConfigurationLoader.load(path: config)
        let connections = try Replicator.Connections(configuration)
        let plan = try ReplicationPlan.resolve(configuration, source: try connections.connectToPrimary())
        return (configuration, connections, plan)
    }
}
