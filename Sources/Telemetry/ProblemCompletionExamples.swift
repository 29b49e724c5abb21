import FileFormats
import Foundation
import Problems

/// Completion examples from a problems file in HumanEval's format (generated exercises, mined functions):
/// the prompt (signature and docstring) is the prefix, the canonical solution the target, so the loss falls
/// on the body only. Each problem is its own session, so a tenth of the problems (by hash) validate.
public enum ProblemCompletionExamples {
    /// Whether `url` holds problems rather than telemetry events: its first non-blank line has `prompt`
    /// and `canonical_solution`.
    public static func isProblemsFile(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 1 << 16) else { return false }
        for line in head.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
            guard let obj = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { return false }
            return obj["prompt"] is String && obj["canonical_solution"] is String
        }
        return false
    }

    /// Every problem with a non-empty canonical solution, tokenized (bad lines are an `InputError`).
    public static func load(from url: URL, tokenizer: CompletionTokenizer) throws -> CompletionExampleSet {
        var set = CompletionExampleSet()
        for p in try ProblemFile.load(url, requirement: .texts) {
            set.countsByOutcome[.accepted, default: 0] += 1
            guard let body = p.canonical_solution, !body.isEmpty else { set.emptyTargets += 1; continue }
            set.examples.append(CompletionExample(prefix: tokenizer.encode(p.prompt), suffix: nil,
                                                  target: tokenizer.encode(body) + [tokenizer.endOfText],
                                                  eventID: p.task_id, session: p.task_id))
        }
        return set
    }
}
