import FileFormats
import Foundation

/// An evaluation problem's texts that training data must not contain.
public struct EvalProblemText: Sendable, Equatable {
    public var taskID: String
    public var prompt: String
    public var canonicalSolution: String
    public init(taskID: String, prompt: String, canonicalSolution: String) {
        self.taskID = taskID; self.prompt = prompt; self.canonicalSolution = canonicalSolution
    }
}

/// Overlap of one problem with the training text.
public struct ProblemOverlap: Codable, Sendable, Equatable {
    public var taskID: String
    /// Distinct n-grams in the prompt / solution (0 when the text has fewer than n words: not checkable).
    public var promptNgrams: Int
    public var solutionNgrams: Int
    /// How many of those occur in the training text.
    public var promptMatched: Int
    public var solutionMatched: Int
    /// Where the first match was seen (file, line or entry).
    public var firstMatch: String?
    public var contaminated: Bool { promptMatched + solutionMatched > 0 }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", promptNgrams = "prompt_ngrams", solutionNgrams = "solution_ngrams"
        case promptMatched = "prompt_matched", solutionMatched = "solution_matched", firstMatch = "first_match"
    }
}

/// n-gram overlap between training text and evaluation problems, as GPT-3's paper measured it (its
/// appendix C): text is lower-cased and split into words — maximal runs of letters, digits and `_`, so
/// punctuation and whitespace are ignored — and a problem is contaminated when any of its 13-word
/// sequences (from the prompt or the canonical solution) occurs in the training text. Texts shorter than
/// n words cannot be checked and are reported with 0 n-grams.
public struct ContaminationIndex {
    public let n: Int
    public private(set) var problems: [EvalProblemText]
    /// n-gram hash → (problem index, is-solution) pairs.
    private var owners: [UInt64: [(Int, Bool)]] = [:]
    private var matchedPrompt: [Set<UInt64>]
    private var matchedSolution: [Set<UInt64>]
    private var promptCounts: [Int] = []
    private var solutionCounts: [Int] = []
    private var firstMatch: [String?]
    public private(set) var textsScanned = 0
    public private(set) var wordsScanned = 0

    public init(problems: [EvalProblemText], n: Int = 13) {
        precondition(n >= 1)
        self.n = n
        self.problems = problems
        matchedPrompt = Array(repeating: [], count: problems.count)
        matchedSolution = Array(repeating: [], count: problems.count)
        firstMatch = Array(repeating: nil, count: problems.count)
        for (i, p) in problems.enumerated() {
            let pg = Set(Self.ngramHashes(Self.words(p.prompt), n: n))
            let sg = Set(Self.ngramHashes(Self.words(p.canonicalSolution), n: n))
            promptCounts.append(pg.count); solutionCounts.append(sg.count)
            for h in pg { owners[h, default: []].append((i, false)) }
            for h in sg { owners[h, default: []].append((i, true)) }
        }
    }

    /// Lower-cased maximal runs of ASCII letters, digits and `_` (other scripts: each scalar run of letters).
    public static func words(_ text: String) -> [Substring] {
        var out: [Substring] = []
        let lower = text.lowercased()
        var start: String.Index?
        var i = lower.startIndex
        while i < lower.endIndex {
            let c = lower[i]
            let isWord = c.isLetter || c.isNumber || c == "_"
            if isWord { if start == nil { start = i } } else if let s = start { out.append(lower[s..<i]); start = nil }
            i = lower.index(after: i)
        }
        if let s = start { out.append(lower[s..<lower.endIndex]) }
        return out
    }

    /// FNV-1a 64-bit hashes of every window of `n` consecutive words (words joined by one space).
    public static func ngramHashes(_ words: [Substring], n: Int) -> [UInt64] {
        guard words.count >= n else { return [] }
        let wordHashes = words.map { w -> UInt64 in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in w.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            return h
        }
        var out: [UInt64] = []
        out.reserveCapacity(words.count - n + 1)
        for s in 0...(words.count - n) {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15
            for k in s..<(s + n) { h = (h ^ wordHashes[k]) &* 0x0000_0100_0000_01B3; h ^= h >> 29 }
            out.append(h)
        }
        return out
    }

    /// Looks for problem n-grams in `text`; `place` names it in the report.
    public mutating func scan(_ text: String, place: String) {
        let ws = Self.words(text)
        textsScanned += 1
        wordsScanned += ws.count
        for h in Self.ngramHashes(ws, n: n) {
            guard let hits = owners[h] else { continue }
            for (i, isSolution) in hits {
                if isSolution { matchedSolution[i].insert(h) } else { matchedPrompt[i].insert(h) }
                if firstMatch[i] == nil { firstMatch[i] = place }
            }
        }
    }

    public var overlaps: [ProblemOverlap] {
        problems.indices.map { i in
            ProblemOverlap(taskID: problems[i].taskID, promptNgrams: promptCounts[i], solutionNgrams: solutionCounts[i],
                           promptMatched: matchedPrompt[i].count, solutionMatched: matchedSolution[i].count, firstMatch: firstMatch[i])
        }
    }
}

/// Reading problems and suites, scanning datasets, and the check training calls.
public enum Decontamination {
    /// HumanEval-format problems (`task_id`, `prompt`, `canonical_solution`), plain or compressed JSON lines.
    public static func loadProblems(_ url: URL) throws -> [EvalProblemText] {
        var out: [EvalProblemText] = []
        var errors: [InputError] = []
        try TelemetryLineReader.forEachLine(in: url) { place, n, line in
            if line.allSatisfy(\.isWhitespace) { return }
            guard let obj = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                errors.append(InputError(file: place, line: n, "not a JSON object")); return
            }
            guard let id = obj["task_id"] as? String, let prompt = obj["prompt"] as? String else {
                errors.append(InputError(file: place, line: n, "missing field task_id or prompt")); return
            }
            out.append(EvalProblemText(taskID: id, prompt: prompt, canonicalSolution: obj["canonical_solution"] as? String ?? ""))
        }
        if !errors.isEmpty { throw InputErrors(errors) }
        return out
    }

    /// The problems file a suite names under `problems:` (relative to the suite file); other keys are ignored.
    public static func problemsPath(ofSuite suite: URL) throws -> URL {
        let (root, diags) = try YAMLFile.load(suite)
        let m = root.mapping(allowed: ["problems"])
        let path = m?.required("problems")?.string
        let mine = diags.errors.filter { $0.key == "problems" || ($0.key ?? "").isEmpty }
        if !mine.isEmpty { throw InputErrors(mine) }
        guard let path, !path.isEmpty else { throw InputError(file: suite.path, key: "problems", "missing required key") }
        if path == "humaneval" {
            guard let he = humanEvalFile(searchingUpFrom: suite.deletingLastPathComponent()) else {
                throw InputError(file: suite.path, key: "problems", "humaneval: set CODETUNE_HUMANEVAL or put HumanEval.jsonl.gz under ../shared/data/humaneval/")
            }
            return he
        }
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : suite.deletingLastPathComponent().appendingPathComponent(path)
    }

    /// `problems: humaneval` as the evaluator resolves it (without its `--problems` flag and Python package
    /// lookup): `$CODETUNE_HUMANEVAL`, else `shared/data/humaneval/HumanEval.jsonl.gz` searched upward.
    public static func humanEvalFile(searchingUpFrom start: URL) -> URL? {
        if let p = ProcessInfo.processInfo.environment["CODETUNE_HUMANEVAL"], FileManager.default.fileExists(atPath: p) {
            return URL(fileURLWithPath: p)
        }
        var dir = start.standardizedFileURL
        for _ in 0..<8 {
            for rel in ["shared/data/humaneval/HumanEval.jsonl.gz", "../shared/data/humaneval/HumanEval.jsonl.gz"] {
                let c = dir.appendingPathComponent(rel).standardizedFileURL
                if FileManager.default.fileExists(atPath: c.path) { return c }
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Problems of a suite YAML, or of a problems file given directly (`.jsonl`, `.jsonl.gz`).
    public static func loadSuiteOrProblems(_ url: URL) throws -> [EvalProblemText] {
        let ext = url.pathExtension.lowercased()
        if ext == "yaml" || ext == "yml" { return try loadProblems(try problemsPath(ofSuite: url)) }
        return try loadProblems(url)
    }

    /// Feeds every training text of `dataset` to `index`: a dataset recipe (`.yaml`, see `scanRecipe`),
    /// telemetry JSON lines (each event's prefix, suggestion, edited text and suffix, as one text), other JSON
    /// lines (their `text` / `content` fields), or a directory / single file of source text (each file whole).
    /// `cacheDirectory`: where a recipe's prepared dataset is looked for (default: `cache/` beside it).
    public static func scanDataset(_ dataset: URL, cacheDirectory: URL? = nil, into index: inout ContaminationIndex) throws {
        if ["yaml", "yml"].contains(dataset.pathExtension.lowercased()) {
            try scanRecipe(dataset, cacheDirectory: cacheDirectory, into: &index)
            return
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataset.path, isDirectory: &isDir) else {
            throw InputError(file: dataset.path, "no such file or directory")
        }
        if isDir.boolValue {
            let walker = FileManager.default.enumerator(at: dataset, includingPropertiesForKeys: [.isRegularFileKey])
            var files: [URL] = []
            while let u = walker?.nextObject() as? URL {
                if (try? u.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { files.append(u) }
            }
            for f in files.sorted(by: { $0.path < $1.path }) { try scanFile(f, into: &index) }
        } else {
            try scanFile(dataset, into: &index)
        }
    }

    static func scanFile(_ url: URL, into index: inout ContaminationIndex) throws {
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".jsonl") || name.hasSuffix(".jsonl.gz") || name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl.zst") || name.hasSuffix(".jsonl.xz") {
            try TelemetryLineReader.forEachLine(in: url) { place, n, line in
                guard !line.allSatisfy(\.isWhitespace),
                      let obj = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return }
                if let prefix = obj["prefix"] as? String {
                    let parts = [prefix, obj["suggestion"] as? String ?? "", obj["edited"] as? String ?? "", obj["suffix"] as? String ?? ""]
                    index.scan(parts[0] + parts[1] + parts[3], place: "\(place):\(n)")
                    if !parts[2].isEmpty { index.scan(parts[0] + parts[2] + parts[3], place: "\(place):\(n)") }
                } else {
                    for key in ["text", "content", "completion"] { if let t = obj[key] as? String { index.scan(t, place: "\(place):\(n)") } }
                }
            }
            return
        }
        guard let data = try? Data(contentsOf: url) else { throw InputError(file: url.path, "cannot read") }
        guard let text = String(data: data, encoding: .utf8) else { return }   // binary files hold no training text
        index.scan(text, place: url.path)
    }

    /// The overlap report of `dataset` against every suite (or problems file) in `suites`.
    public static func report(dataset: URL, suites: [URL], n: Int = 13, cacheDirectory: URL? = nil) throws -> [ProblemOverlap] {
        var problems: [EvalProblemText] = []
        for s in suites { problems += try loadSuiteOrProblems(s) }
        var index = ContaminationIndex(problems: problems, n: n)
        try scanDataset(dataset, cacheDirectory: cacheDirectory, into: &index)
        return index.overlaps
    }

    /// For training: throws an `InputError` naming the contaminated problems unless `allowContaminated`.
    /// Returns the report either way.
    @discardableResult
    public static func requireClean(dataset: URL, suites: [URL], n: Int = 13, allowContaminated: Bool = false) throws -> [ProblemOverlap] {
        let overlaps = try report(dataset: dataset, suites: suites, n: n)
        let bad = overlaps.filter(\.contaminated)
        if !bad.isEmpty, !allowContaminated {
            let names = bad.prefix(5).map(\.taskID).joined(separator: ", ") + (bad.count > 5 ? ", …" : "")
            throw InputError(file: dataset.path, "contaminated: \(bad.count) eval problem(s) share \(n)-grams with the training text (\(names)); set allow_contaminated: true in the stage to train anyway")
        }
        return overlaps
    }
}
