/// What `tablemirror --version` prints: the release number and the commit the binary was built from, which the
/// BuildStamp plugin finds with git when building (`BuildStamp`, generated, not in the tree).
enum Version {
    static let number = "0.9.0"

    static var line: String {
        let origin: String
        switch (BuildStamp.commit, BuildStamp.tree) {
        case ("unknown", _): origin = "commit unknown: not built from a git checkout"
        case (let commit, "clean"): origin = "commit \(commit), built from a clean tree"
        case (let commit, "dirty"): origin = "commit \(commit)-dirty, built from a tree with uncommitted changes"
        case (let commit, _): origin = "commit \(commit), tree state unknown"
        }
        return "tablemirror \(number) (\(origin))"
    }
}
