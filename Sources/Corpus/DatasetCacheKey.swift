import FileFormats
import Foundation

/// The content address of a prepared dataset: SHA-256 over the resolved recipe (paths made
/// absolute, defaults filled in), the identity of every input (path, size and modification
/// time, not content hashes: touching a file rebuilds) and the tokenizer (`contentHash` of a
/// given `tokenizer.json`, or the training settings when it is trained from the data).
public enum DatasetCacheKey {
    /// Bumped when the pipeline's output for the same inputs changes (filters, split, layout).
    public static let pipelineVersion = 1

    /// What the source part of the key covers, recorded in the manifest.
    public static let sourceIdentity = "paths+sizes+mtimes"

    /// The text that is hashed, one fact per line.
    public static func keyText(recipe: DatasetRecipe, plan: SourcePlan, tokenizer: String) -> String {
        var lines = ["codetune dataset pipeline \(pipelineVersion)", "token format \(DatasetManifest.currentFormat)"]
        lines += resolvedRecipe(recipe)
        lines.append("tokenizer\t\(tokenizer)")
        lines += plan.identity
        return lines.joined(separator: "\n") + "\n"
    }

    public static func key(recipe: DatasetRecipe, plan: SourcePlan, tokenizer: String) -> String {
        SHA256Digest.hex(keyText(recipe: recipe, plan: plan, tokenizer: tokenizer))
    }

    /// The recipe as deterministic lines, every default filled in.
    public static func resolvedRecipe(_ r: DatasetRecipe) -> [String] {
        func patterns(_ s: PathSelection) -> String {
            "include=[\(s.include.map(\.pattern).joined(separator: ","))] exclude=[\(s.exclude.map(\.pattern).joined(separator: ","))]"
        }
        var lines = ["name\t\(r.name)"]
        for (i, s) in r.sources.enumerated() {
            let kind: String
            switch s.kind {
            case .directory(let u): kind = "directory \(u.path)"
            case .file(let u): kind = "file \(u.path)"
            case .archive(let u): kind = "archive \(u.path)"
            case .problems(let u): kind = "problems \(u.path)"
            case .pythonStdlib(let python, let excludeTests): kind = "python_stdlib python=\(python) exclude_tests=\(excludeTests)"
            }
            lines.append("source[\(i)]\t\(kind) \(patterns(s.selection))")
        }
        lines.append("selection\t\(patterns(r.selection))")
        lines.append("languages\t" + r.languages.keys.sorted().map { "\($0)=\(r.languages[$0]!)" }.joined(separator: ","))
        let f = r.filters
        lines.append("filters\tmax_file_bytes=\(f.maxFileBytes) max_line_length=\(f.maxLineLength) max_mean_line_length=\(f.maxMeanLineLength) min_alphanumeric_fraction=\(f.minAlphanumericFraction) generated_markers=[\(f.generatedMarkers.joined(separator: "|"))] generated_marker_lines=\(f.generatedMarkerLines)")
        lines.append("dedup\t\(r.dedup ? "exact" : "none")")
        lines.append("validation_fraction\t\(r.validationFraction)")
        lines.append("shard_tokens\t\(r.shardTokens)")
        lines.append("limits\tmax_entry_bytes=\(r.limits.maxEntryBytes) max_archive_bytes=\(r.limits.maxArchiveBytes)")
        return lines
    }
}
