import Yams

extension YAMLValue {
    /// Every scalar under this node as `(key path, text)` in document order: mapping keys join
    /// with `.`, list items as `[i]` (`stages[0].lr`). Empty mappings and lists appear as `{}` / `[]`,
    /// so two documents can be compared key by key (what `runs compare` does with configs).
    public var leaves: [(path: String, value: String)] {
        var out: [(String, String)] = []
        collectLeaves(node, path, into: &out)
        return out
    }
}

private func collectLeaves(_ node: Node, _ path: String, into out: inout [(String, String)]) {
    switch node {
    case .scalar(let s):
        out.append((path, s.string))
    case .mapping(let m):
        if m.isEmpty { out.append((path, "{}")) }
        for (k, v) in m {
            let key = k.string ?? "?"
            collectLeaves(v, path.isEmpty ? key : "\(path).\(key)", into: &out)
        }
    case .sequence(let s):
        if s.isEmpty { out.append((path, "[]")) }
        for (i, v) in s.enumerated() { collectLeaves(v, "\(path)[\(i)]", into: &out) }
    case .alias:
        out.append((path, "*alias"))
    }
}
