import ArgumentParser
import Exercises
import FileFormats
import Foundation
import Sandbox

/// `codetune data exercises generate --count N --seed S --out FILE`: HumanEval-format problems composed from
/// building blocks, each verified in the sandbox, deduplicated and decontaminated against the given suites.
struct DataExercisesGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Compose, verify (in the sandbox), deduplicate and decontaminate exercise problems; write them as a problems file.",
        discussion: """
        Deterministic for --seed and --count. Every problem's canonical solution passes its tests and every broken variant kept
        in --negatives fails them, run through the evaluator's sandbox (many programs per sandboxed Python process). Problems that
        share a 13-gram with a --suite problem, or whose body equals a suite problem's canonical solution after renaming, are dropped.
        """)

    @Option(name: .shortAndLong, help: "Output problems file (JSON lines, HumanEval format plus `skill`).") var out: String
    @Option(help: "Also write the broken variants the tests reject here (negative data, never trained on as targets).") var negatives: String?
    @Option(help: "Verified problems wanted.") var count = 50_000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(name: .customLong("suite"), help: "Eval suite YAML or problems file to decontaminate against (repeatable).") var suites: [String] = []
    @Option(help: "Parallel sandboxed verifier processes.") var workers = 2
    @Option(help: "Programs per sandboxed Python process (at most 256).") var batchSize = 200
    @Option(help: "Python interpreter for verification.") var python = "python3"
    @Option(help: "Verification in the evaluator's sandbox: bwrap (default) or rlimits (weaker).") var sandbox: SandboxMode = .bwrap
    @Flag(help: "Print the summary as one JSON object on stdout.") var json = false

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if !(1...256).contains(batchSize) { throw ValidationError("--batch-size must be between 1 and 256") }
    }

    func run() throws {
        let runner = try verifierRunner(mode: sandbox, python: python, timeout: 60, command: "data exercises generate")
        var o = ExerciseGeneration.Options()
        o.count = count
        o.seed = seed
        if !suites.isEmpty { o.decontamination = try SuiteDecontamination(suites: suites.map { URL(fileURLWithPath: $0) }) }
        var verifier = BatchVerifier(runner: runner, workers: workers)
        verifier.batchSize = batchSize
        let (problems, negs, s) = ExerciseGeneration.generate(o, verifier: verifier)
        try ExerciseGeneration.write(problems, to: URL(fileURLWithPath: out))
        if let negatives { try ExerciseGeneration.write(negs, to: URL(fileURLWithPath: negatives)) }
        let rows: [(String, Any)] = [
            ("out", out), ("verified", s.verified), ("candidates", s.candidates), ("unusable", s.unusable), ("duplicates", s.duplicates),
            ("shared_ngram", s.sharedNgram), ("same_as_suite_problem", s.sameAsSuiteProblem), ("failed_verification", s.failedVerification),
            ("negatives", s.negatives), ("undetected_variants", s.undetectedVariants), ("skills", s.skills), ("blocks_used", s.blocksUsed),
            ("blocks", ExerciseGeneration.blockCount), ("distinct_bodies", s.distinctBodies),
            ("generate_s", (s.generateSeconds * 10).rounded() / 10), ("verify_s", (s.verifySeconds * 10).rounded() / 10),
            ("suite_problems", o.decontamination?.problemCount ?? 0), ("same_as_by_problem", s.sameAsByProblem),
        ]
        if json {
            let obj = Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.1) })
            print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("\(out): \(s.verified) verified problems over \(s.skills) skills (\(s.blocksUsed) of \(ExerciseGeneration.blockCount) blocks), \(s.distinctBodies) distinct bodies")
            print("  drawn \(s.candidates): \(s.unusable) unusable, \(s.duplicates) duplicates, \(s.sharedNgram) sharing a 13-gram and \(s.sameAsSuiteProblem) equal to a problem of \(o.decontamination?.problemCount ?? 0) suite problems, \(s.failedVerification) failed verification")
            if !s.sameAsByProblem.isEmpty {
                let listed = s.sameAsByProblem.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
                print("  suite problems with a near-identical skill (\(listed.count)): \(listed.joined(separator: ", "))")
            }
            print("  negatives: \(s.negatives) broken variants rejected by the tests (\(s.undetectedVariants) the tests missed, dropped)")
            print(String(format: "  composed in %.1f s, verified in %.1f s", s.generateSeconds, s.verifySeconds))
            for (skill, n) in s.failedSkills.sorted(by: { $0.value > $1.value }).prefix(8) { print("  failed: \(skill) ×\(n)") }
        }
    }
}
