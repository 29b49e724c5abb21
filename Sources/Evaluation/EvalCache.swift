import FileFormats
import Foundation
import Models
import Problems
import Sandbox

/// What an eval's samples and verdicts depend on, as content hashes: the `cache_key` of `summary.json`.
/// A later run into the same output directory with the same `digest` reuses that directory's
/// `samples.jsonl` and `results.jsonl` instead of sampling and sandboxing again. Paths and times never
/// enter it. Thresholds and `k` stay out: they change neither samples nor verdicts, so the summary is
/// recomputed from the stored results and a changed threshold still applies.
public struct EvalCacheKey: Codable, Equatable, Sendable {
    /// SHA-256 (hex) of the canonical JSON of `inputs`.
    public var digest: String
    /// What went into `digest`: SHA-256 (hex) of each input's bytes, keyed by what it is —
    /// `model.safetensors`, `config.json`, `tokenizer.json` (with `--model`), `samples` (a samples file's
    /// bytes), `problems` (the problems file's bytes), `settings` (the canonical JSON in `settings_json`),
    /// `judge` (`supervisor.py` and the scoring format version).
    public var inputs: [String: String]
    /// The canonical JSON (sorted keys) of the settings that change samples or verdicts.
    public var settings_json: String

    /// Bumped whenever scoring outside `supervisor.py` changes what a verdict is (statuses, details,
    /// completion ids), so old verdicts are never reused by a new judge.
    public static let scoringVersion = "codetune-eval-scoring-1"

    /// The settings that change samples or verdicts.
    struct Settings: Codable {
        var origin: String
        var n: Int?
        var seed: UInt64?
        var sampling: SamplingSettings?
        var limit: Int?
        var ignore_incomplete: Bool?
        var sandbox: SandboxMode
        var limits: SandboxLimits
    }

    /// The key of `run`, or nil when an input cannot be read (the run then reports the problem itself).
    static func make(for run: EvalRun, problemsFile: String) -> EvalCacheKey? {
        var inputs: [String: String] = [:]
        var settings = Settings(origin: "", sandbox: run.sandboxMode, limits: run.suite.limits)
        do {
            inputs["problems"] = try SHA256Digest.hex(fileAt: URL(fileURLWithPath: problemsFile))
            switch run.origin {
            case .file(let url):
                settings.origin = "samples"
                settings.ignore_incomplete = run.ignoreIncomplete
                inputs["samples"] = try SHA256Digest.hex(fileAt: url)
            case .canonicalSolutions:
                settings.origin = "canonical"
                settings.limit = run.problemLimit
            case .model(let checkpoint):
                settings.origin = "model"
                settings.n = run.suite.n
                settings.seed = run.suite.seed
                settings.sampling = run.suite.sampling
                settings.limit = run.problemLimit
                if Checkpoint.isGGUF(checkpoint) {   // model and tokenizer in one file
                    inputs["model.gguf"] = try SHA256Digest.hex(fileAt: checkpoint)
                } else {
                    for name in ["model.safetensors", "config.json", "tokenizer.json"] {
                        inputs[name] = try SHA256Digest.hex(fileAt: checkpoint.appendingPathComponent(name))
                    }
                }
            }
        } catch {
            return nil
        }
        guard let json = try? canonicalJSON(settings) else { return nil }
        let settingsText = String(decoding: json, as: UTF8.self)
        inputs["settings"] = SHA256Digest.hex(json)
        inputs["judge"] = SHA256Digest.hex(scoringVersion + "\n" + SandboxConfiguration.supervisorSource)
        guard let all = try? canonicalJSON(inputs) else { return nil }
        return EvalCacheKey(digest: SHA256Digest.hex(all), inputs: inputs, settings_json: settingsText)
    }

    static func canonicalJSON<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}

/// An earlier run's samples and results in an output directory, when its key matches.
struct CachedEval {
    var previous: EvalSummary
    var samples: [Sample]
    var results: [SampleResult]

    /// Reads `dir`'s `summary.json`, `samples.jsonl` and `results.jsonl`; nil unless all three parse,
    /// the summary's `cache_key` digest is `key`'s, and the results match the samples one for one.
    static func load(from dir: URL, key: EvalCacheKey) -> CachedEval? {
        let summaryURL = dir.appendingPathComponent("summary.json")
        let samplesURL = dir.appendingPathComponent("samples.jsonl")
        let resultsURL = dir.appendingPathComponent("results.jsonl")
        guard let summaryData = try? Data(contentsOf: summaryURL),
              let previous = try? JSONDecoder().decode(EvalSummary.self, from: summaryData),
              previous.cache_key?.digest == key.digest,
              let samplesData = try? Data(contentsOf: samplesURL),
              let samples = try? JSONLines.decode(Sample.self, data: samplesData, file: samplesURL.path),
              let resultsData = try? Data(contentsOf: resultsURL),
              let results = try? JSONLines.decode(SampleResult.self, data: resultsData, file: resultsURL.path),
              samples.count == results.count, results.count == previous.samples
        else { return nil }
        return CachedEval(previous: previous, samples: samples, results: results)
    }
}
