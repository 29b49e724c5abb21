import Foundation

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
