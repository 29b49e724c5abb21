import ArgumentParser
import Exercises
import FileFormats
import Foundation
import Sandbox
import Telemetry

/// `codetune data exercises mine --out FILE [--source DIR]`: docstring → body pairs from public Python code.
struct DataExercisesMine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Mine self-contained documented functions from .py files as problems (prompt = signature + docstring, solution = body).",
        discussion: """
        Source: .py files under --source, by default the standard library of the python3 on PATH (tests and site-packages skipped).
        A function is kept when it is top-level, undecorated, has a docstring, reads only its parameters, its locals and built-ins,
        and defines cleanly and passes its doctests (when it has any) in the sandbox. Duplicates (same body after renaming) and
        functions close to a --suite problem are dropped. Deterministic for the same files.
        """)

    @Option(name: .shortAndLong, help: "Output problems file (JSON lines).") var out: String
    @Option(help: "Directory of .py files (default: python3's standard library).") var source: String?
    @Option(name: .customLong("suite"), help: "Eval suite YAML or problems file to decontaminate against (repeatable).") var suites: [String] = []
    @Option(help: "Read at most this many files.") var maxFiles = 5000
    @Option(help: "Parallel sandboxed verifier processes.") var workers = 2
    @Option(help: "Python interpreter for verification.") var python = "python3"
    @Option(help: "Verification in the evaluator's sandbox: bwrap (default) or rlimits (weaker).") var sandbox: SandboxMode = .bwrap

    func run() throws {
        let runner = try verifierRunner(mode: sandbox, python: python, timeout: 60, command: "data exercises mine")
        let root = try source.map { URL(fileURLWithPath: $0) } ?? CodeDocuments.pythonStandardLibrary()
        let decontamination = suites.isEmpty ? nil : try SuiteDecontamination(suites: suites.map { URL(fileURLWithPath: $0) })
        let started = Date()
        let (problems, s) = try FunctionMining.mine(root: root, verifier: BatchVerifier(runner: runner, workers: workers),
                                                    decontamination: decontamination, maxFiles: maxFiles)
        try ExerciseGeneration.write(problems, to: URL(fileURLWithPath: out))
        print("\(out): \(s.kept) functions mined from \(s.files) files under \(root.path) (\(s.withDoctests) with passing doctests)")
        print("  found \(s.functions): \(s.duplicates) duplicates, \(s.contaminated) close to a suite problem, \(s.failedVerification) failed in the sandbox;"
              + String(format: " %.1f s", Date().timeIntervalSince(started)))
    }
}
