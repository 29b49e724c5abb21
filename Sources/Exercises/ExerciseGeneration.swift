import FileFormats
import Foundation
import SeededRandom

/// `codetune data exercises generate` as a function: compose problems, drop duplicates and anything close
/// to an eval suite, run every solution and broken variant in the sandbox, keep what verifies.
public enum ExerciseGeneration {
    public struct Options: Sendable {
        public var count = 50_000
        public var seed: UInt64 = 1
        /// Candidates are drawn in chunks of this many, each verified before the next is drawn.
        public var chunk = 8_000
        /// Stop after drawing this many times `count` candidates, whatever was kept.
        public var maxDrawFactor = 3
        public var decontamination: SuiteDecontamination?
        public init() {}
    }

    public struct Summary: Sendable, Equatable {
        public var candidates = 0
        /// Draws whose blocks had no usable examples.
        public var unusable = 0
        public var duplicates = 0
        public var sharedNgram = 0
        public var sameAsSuiteProblem = 0
        /// Draws dropped as equal to a suite problem after renaming, by that problem's task id: the suite
        /// problems the curriculum has a near-identical skill for.
        public var sameAsByProblem: [String: Int] = [:]
        /// Canonical solutions their own tests failed (a block's Python and Swift disagree): dropped.
        public var failedVerification = 0
        public var verified = 0
        public var negatives = 0
        /// Broken variants the tests did not reject: dropped.
        public var undetectedVariants = 0
        public var skills = 0
        public var blocksUsed = 0
        public var distinctBodies = 0
        public var failedSkills: [String: Int] = [:]
        public var generateSeconds = 0.0
        public var verifySeconds = 0.0
    }

    /// The verified problems (in draw order), their negative examples and the counts.
    public static func generate(_ o: Options, verifier: BatchVerifier) -> ([GeneratedProblem], [NegativeExample], Summary) {
        let composer = ProblemComposer()
        var s = Summary()
        var kept: [GeneratedProblem] = [], negatives: [NegativeExample] = []
        var seen = Set<String>()
        var index = 0
        while kept.count < o.count && index < o.count * o.maxDrawFactor {
            let t0 = Date()
            var batch: [(GeneratedProblem, [(body: String, how: String)])] = []
            // About 1.3 draws give one verified problem: draw what is still missing with a margin, at most a chunk.
            let wanted = (o.count - kept.count) * 13 / 10 + 50
            let end = min(index + min(o.chunk, wanted), o.count * o.maxDrawFactor)
            while index < end {
                defer { index += 1 }
                s.candidates += 1
                guard let p = composer.problem(seed: o.seed, index: index) else { s.unusable += 1; continue }
                guard seen.insert(dedupKey(p)).inserted else { s.duplicates += 1; continue }
                switch o.decontamination?.check(prompt: p.prompt, body: p.canonical_solution) ?? .clean {
                case .sharesNgram: s.sharedNgram += 1; continue
                case .sameAs(let id): s.sameAsSuiteProblem += 1; s.sameAsByProblem[id, default: 0] += 1; continue
                case .clean: break
                }
                var rng = SplitMix64(seed: SplitMix64.mix(o.seed ^ 0xB80C_E4 ^ UInt64(index)))
                batch.append((p, BrokenVariants.of(p.canonical_solution, rng: &rng)))
            }
            s.generateSeconds += Date().timeIntervalSince(t0)
            let t1 = Date()
            var programs: [BatchVerifier.Program] = []
            for (p, variants) in batch {
                programs.append(.init(source: program(p, body: p.canonical_solution), shouldPass: true))
                for v in variants { programs.append(.init(source: program(p, body: v.body), shouldPass: false)) }
            }
            let ok = verifier.verify(programs)
            s.verifySeconds += Date().timeIntervalSince(t1)
            var at = 0
            for (p, variants) in batch {
                defer { at += 1 + variants.count }
                guard ok[at] else { s.failedVerification += 1; s.failedSkills[p.skill, default: 0] += 1; continue }
                guard kept.count < o.count else { continue }
                kept.append(p)
                for (j, v) in variants.enumerated() {
                    if ok[at + 1 + j] {
                        negatives.append(NegativeExample(task_id: p.task_id, prompt: p.prompt, completion: v.body, broken_by: v.how))
                    } else { s.undetectedVariants += 1 }
                }
            }
        }
        s.verified = kept.count
        s.negatives = negatives.count
        s.skills = Set(kept.map(\.skill)).count
        s.blocksUsed = Set(kept.flatMap { $0.skill.split(separator: "+").map(String.init) }).count
        s.distinctBodies = Set(kept.map { PythonNames.bodyKey(prompt: $0.prompt, body: $0.canonical_solution) }).count
        return (kept, negatives, s)
    }

    /// The self-checking program for `body`: prompt, body, tests, `check(entry_point)`.
    public static func program(_ p: GeneratedProblem, body: String) -> String {
        p.prompt + body + "\n\n" + p.test + "\n\ncheck(\(p.entry_point))\n"
    }

    /// Whether `a` and `b` are the same problem under other names.
    public static func isDuplicate(_ a: GeneratedProblem, of b: GeneratedProblem) -> Bool { dedupKey(a) == dedupKey(b) }

    /// Two problems are duplicates when their texts agree once the function and parameter names are replaced.
    static func dedupKey(_ p: GeneratedProblem) -> String {
        // Placeholders by role (the function, parameter i), replaced longest name first.
        var names = [(p.entry_point, "⟨f⟩")] + PythonNames.parameters(p.prompt).enumerated().map { ($0.element, "⟨p\($0.offset)⟩") }
        names.sort { $0.0.count > $1.0.count }
        var text = p.prompt + p.canonical_solution
        for (n, placeholder) in names {
            text = text.replacingOccurrences(of: "\\b\(NSRegularExpression.escapedPattern(for: n))\\b", with: placeholder, options: .regularExpression)
        }
        return text
    }

    /// Writes problems (or negatives) as JSON lines, whole or not at all.
    public static func write<T: Encodable>(_ rows: [T], to url: URL) throws {
        var text = ""
        text.reserveCapacity(rows.count * 600)
        for r in rows { text += try JSONLines.encodeLine(r); text += "\n" }
        try AtomicFile.write(text, to: url)
    }

    /// The number of blocks in the library.
    public static var blockCount: Int { BlockLibrary.all.count }
}
