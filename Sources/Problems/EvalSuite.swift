import FileFormats
import Foundation
import Sandbox

/// An eval suite, from YAML (see `Evals/*.yaml`).
public struct EvalSuite: Sendable {
    /// The suite's name (defaults to the file's base name).
    public var name: String
    /// The file the suite was read from.
    public var file: String
    /// What `problems:` said: a path (relative to the suite file) or `humaneval`.
    public var problemsSpec: String
    /// Where `problemsSpec` points: an absolute path, or nil for `humaneval` (resolved at run time).
    public var problemsPath: String?
    public var limits: SandboxLimits
    /// Samples per problem when generating.
    public var n: Int
    /// The k values of pass@k to report.
    public var k: [Int]
    public var sampling: SamplingSettings
    public var seed: UInt64
    /// Minimum pass@k, keyed by k (`pass@1: 0.25` → [1: 0.25]; `pass@1: {min: 0.25, on: lower_bound}` → [1: 0.25]).
    public var thresholds: [Int: Double]
    /// What each threshold's minimum is held against, keyed by k; a k absent here means `.estimate`
    /// (a plain number, today's meaning).
    public var thresholdBounds: [Int: ThresholdBound] = [:]

    /// What a threshold compares with its minimum: the pass@k itself or an end of its 95% interval.
    public enum ThresholdBound: String, Codable, CaseIterable, Sendable {
        case estimate
        /// Met only when the interval's lower end reaches the minimum: confident the score is at least that.
        case lower_bound
        /// Met unless the interval's upper end is below the minimum: fails only when surely below it.
        case upper_bound
    }

    /// The bound threshold `k` is held against.
    public func thresholdBound(_ k: Int) -> ThresholdBound { thresholdBounds[k] ?? .estimate }

    /// The problems file to read: `explicit` (a `--problems` path) when given, else the suite's own path,
    /// else (`problems: humaneval`) the file `HumanEvalLocation.resolve` finds. Throws an `InputError` when
    /// HumanEval cannot be found.
    public func problemsFile(explicit: String? = nil) throws -> String {
        if let explicit { return explicit }
        if let problemsPath { return problemsPath }
        return try HumanEvalLocation.resolve(explicit: nil, suiteFile: file)
    }

    static let keys = ["name", "problems", "language", "timeout_s", "memory_mb", "n", "k", "temperature", "top_p",
                       "top_k", "max_new_tokens", "stop", "seed", "thresholds"]

    /// Reads and validates `url`, reporting every problem at once with file:line:col.
    public static func load(_ url: URL) throws -> EvalSuite {
        let (root, diags) = try YAMLFile.load(url)
        let suite = parse(root, file: url.path)
        try diags.throwIfAny()
        return suite!
    }

    public static func parse(text: String, file: String) throws -> EvalSuite {
        let (root, diags) = try YAMLFile.parse(text, file: file)
        let suite = parse(root, file: file)
        try diags.throwIfAny()
        return suite!
    }

    static func parse(_ root: YAMLValue, file: String) -> EvalSuite? {
        guard let m = root.mapping(allowed: keys) else { return nil }
        let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var suite = EvalSuite(name: base, file: file, problemsSpec: "", problemsPath: nil,
                              limits: SandboxLimits(), n: 1, k: [1], sampling: SamplingSettings(), seed: 0, thresholds: [:])
        if let v = m.value("name"), let s = v.string { suite.name = s }
        if let v = m.required("problems"), let s = v.string {
            if s.isEmpty {
                v.diagnostics.report(v.mark, v.path, "must name a problems file or 'humaneval'")
            } else if s == "humaneval" {
                suite.problemsSpec = s
            } else {
                suite.problemsSpec = s
                let dir = URL(fileURLWithPath: file).deletingLastPathComponent()
                let path = s.hasPrefix("/") ? s : dir.appendingPathComponent(s).standardizedFileURL.path
                if !FileManager.default.fileExists(atPath: path) {
                    v.diagnostics.report(v.mark, v.path, "no such file: \(path)")
                }
                suite.problemsPath = path
            }
        }
        // `language:` is optional and may only say `python`, the one language the sandbox runs.
        _ = m.value("language")?.choice(["python"])
        if let v = m.value("timeout_s"), let d = v.double(in: 0.1...600) { suite.limits.timeoutSeconds = d }
        if let v = m.value("memory_mb"), let i = v.int(in: 64...65536) { suite.limits.memoryMB = i }
        if let v = m.value("n"), let i = v.int(in: 1...10000) { suite.n = i }
        if let v = m.value("k") {
            if case .scalar = v.node, let i = v.int(in: 1...10000) {
                suite.k = [i]
            } else if let items = v.list {
                var ks: [Int] = []
                for item in items { if let i = item.int(in: 1...10000) { ks.append(i) } }
                if items.isEmpty { v.diagnostics.report(v.mark, v.path, "must list at least one k") }
                suite.k = Array(Set(ks)).sorted()
            }
        }
        if let bad = suite.k.first(where: { $0 > suite.n }), let v = m.value("k") {
            v.diagnostics.report(v.mark, v.path, "pass@\(bad) needs n ≥ \(bad), but n is \(suite.n)")
        }
        if let v = m.value("temperature"), let d = v.double(in: 0...10) { suite.sampling.temperature = d }
        if let v = m.value("top_p"), let d = v.double(in: 0...1) {
            if d == 0 { v.diagnostics.report(v.mark, v.path, "must be greater than 0") } else { suite.sampling.topP = d }
        }
        if let v = m.value("top_k"), let i = v.int(in: 0...1_000_000) { suite.sampling.topK = i }
        if let v = m.value("max_new_tokens"), let i = v.int(in: 1...100_000) { suite.sampling.maxNewTokens = i }
        if let v = m.value("stop"), let items = v.list {
            var stops: [String] = []
            for item in items {
                if let s = item.string {
                    if s.isEmpty { item.diagnostics.report(item.mark, item.path, "an empty stop sequence would stop at once") }
                    stops.append(s)
                }
            }
            suite.sampling.stop = stops
        }
        if let v = m.value("seed"), let i = v.int(in: 0...Int.max) { suite.seed = UInt64(i) }
        if let v = m.value("thresholds") {
            if case .mapping(let map) = v.node, let checked = v.mapping(allowed: map.keys.compactMap(\.string)) {
                for name in map.keys.compactMap(\.string) {
                    guard let child = checked.value(name) else { continue }
                    guard name.hasPrefix("pass@"), let k = Int(name.dropFirst(5)), k >= 1 else {
                        child.diagnostics.report(child.mark, child.path, "thresholds are written pass@K (for example pass@1)")
                        continue
                    }
                    if !suite.k.contains(k) {
                        child.diagnostics.report(child.mark, child.path, "pass@\(k) is not reported: add \(k) to k")
                    }
                    if case .mapping = child.node {
                        guard let spec = child.mapping(allowed: ["min", "on"]) else { continue }
                        if let v = spec.required("min"), let d = v.double(in: 0...1) { suite.thresholds[k] = d }
                        if let v = spec.value("on"), let on = v.choice(ThresholdBound.allCases.map(\.rawValue)) {
                            suite.thresholdBounds[k] = ThresholdBound(rawValue: on)
                        }
                    } else if case .scalar = child.node {
                        if let d = child.double(in: 0...1) { suite.thresholds[k] = d }
                    } else {
                        child.diagnostics.report(child.mark, child.path, "expected a number or {min: NUMBER, on: estimate | lower_bound | upper_bound}")
                    }
                }
            } else {
                v.diagnostics.report(v.mark, v.path, "expected a mapping like {pass@1: 0.25}")
            }
        }
        return suite
    }
}
