import FileFormats
import Foundation

/// A dataset recipe (`Datasets/NAME.yaml`): where the code comes from, which files count,
/// how they are filtered and split, and how they are tokenized and sharded.
///
/// ```yaml
/// name: python-stdlib
/// sources:
///   - python_stdlib: true          # or: directory: DIR | file: FILE | archive: PATH_OR_GLOB
///     exclude_tests: true
/// include: ["*.py"]
/// exclude: ["**/__pycache__/**"]
/// languages: {python: [py]}
/// filters: {max_file_bytes: 1000000, max_line_length: 1000, max_mean_line_length: 100,
///           min_alphanumeric_fraction: 0.25, generated_markers: true}
/// dedup: exact
/// split: {validation_fraction: 0.02}
/// tokenizer: {train: {vocab_size: 4096}}     # or: {path: tokenizer.json}, or a model's: {path: model.gguf}
/// shard_tokens: 16777216
/// limits: {max_entry_bytes: 67108864, max_archive_bytes: 4294967296}
/// ```
///
/// Relative paths are resolved against the recipe's directory.
public struct DatasetRecipe: Sendable, Equatable {
    public var name: String
    /// The recipe file this was read from.
    public var file: URL
    public var sources: [SourceSpec]
    /// Applied to every source, after the source's own patterns.
    public var selection: PathSelection
    /// Language name by file extension (lowercase, without the dot). Only files with one of
    /// these extensions are read.
    public var languages: [String: String]
    public var filters: FilterSettings
    public var dedup: Bool
    /// Fraction of documents (by content hash) that go to the validation split, 0..<1.
    public var validationFraction: Double
    public var tokenizer: TokenizerSpec
    /// Tokens per shard file (a document longer than that is split across shards).
    public var shardTokens: Int
    public var limits: ReadLimits

    public init(name: String, file: URL, sources: [SourceSpec], selection: PathSelection = PathSelection(),
                languages: [String: String] = ["py": "python"], filters: FilterSettings = FilterSettings(),
                dedup: Bool = true, validationFraction: Double = 0.02, tokenizer: TokenizerSpec,
                shardTokens: Int = DatasetRecipe.defaultShardTokens, limits: ReadLimits = ReadLimits()) {
        self.name = name
        self.file = file
        self.sources = sources
        self.selection = selection
        self.languages = languages
        self.filters = filters
        self.dedup = dedup
        self.validationFraction = validationFraction
        self.tokenizer = tokenizer
        self.shardTokens = shardTokens
        self.limits = limits
    }

    public static let defaultShardTokens = 1 << 24
    /// Keys a recipe may have at the top level.
    static let keys = ["name", "description", "sources", "include", "exclude", "languages", "filters",
                       "dedup", "split", "tokenizer", "shard_tokens", "limits"]
}

/// One place documents come from.
public struct SourceSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Every file below a directory (symlinks followed, loops reported).
        case directory(URL)
        /// One file.
        case file(URL)
        /// Archives (tar, tar.gz, tar.xz, tar.zst, tar.bz2, zip, single .gz / .xz / .zst / .bz2 files)
        /// matched by a path that may hold a glob in its last component (`downloads/*.tar.gz`).
        case archive(URL)
        /// The standard library of a Python interpreter, found by asking it (`sysconfig`),
        /// without `site-packages` / `dist-packages` and, when `excludeTests`, without test directories.
        case pythonStdlib(python: String, excludeTests: Bool)
        /// A problems file in HumanEval's format (JSON lines with `task_id`, `prompt`, `canonical_solution`:
        /// generated exercises, mined functions): each problem's prompt followed by its canonical solution
        /// is one Python document, so next-token stages can read the curriculum as text.
        case problems(URL)
    }

    public var kind: Kind
    /// The source's own include / exclude patterns, relative to its root (the directory, the
    /// archive's entries, the standard library directory).
    public var selection: PathSelection

    public init(_ kind: Kind, selection: PathSelection = PathSelection()) {
        self.kind = kind
        self.selection = selection
    }

    /// Test directories of CPython's library (`test`, `tests`, `idle_test`), left out by `exclude_tests`.
    public static let pythonTestExcludes = ["**/test/**", "**/tests/**", "**/idle_test/**", "test/**", "tests/**"]
}

/// Which tokenizer encodes the dataset.
public enum TokenizerSpec: Sendable, Equatable {
    /// A Hugging Face `tokenizer.json`, or a model's own tokenizer: a GGUF file's, a model directory's
    /// `tokenizer.json` (`BPETokenizer(modelAt:)`).
    case file(URL)
    /// Train a byte-level BPE of this vocabulary size on the train split.
    case train(vocabSize: Int)
}

/// Caps that keep hostile archives harmless: nothing is read past them.
public struct ReadLimits: Sendable, Equatable {
    /// Largest decompressed size of one archive entry or file that is read at all.
    public var maxEntryBytes: Int
    /// Largest total decompressed size read from one archive.
    public var maxArchiveBytes: Int

    public init(maxEntryBytes: Int = 64 << 20, maxArchiveBytes: Int = 4 << 30) {
        self.maxEntryBytes = maxEntryBytes
        self.maxArchiveBytes = maxArchiveBytes
    }
}

extension DatasetRecipe {
    /// Reads and validates a recipe, reporting every problem at once with file:line:col.
    public static func load(_ url: URL) throws -> DatasetRecipe {
        let (root, diags) = try YAMLFile.load(url)
        let base = url.deletingLastPathComponent()
        func resolve(_ path: String) -> URL {
            let expanded = (path as NSString).expandingTildeInPath
            return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded).standardizedFileURL
                : base.appendingPathComponent(expanded).standardizedFileURL
        }
        guard let top = root.mapping(allowed: keys) else { try diags.throwIfAny(); throw InputError(file: url.path, "empty recipe") }

        var name = url.deletingPathExtension().lastPathComponent
        if let v = top.required("name"), let s = v.string {
            if s.isEmpty || s.contains("/") || s.hasPrefix(".") {
                v.diagnostics.report(v.mark, v.path, "a name must be non-empty, without '/' and not start with '.'")
            } else { name = s }
        }
        _ = top.value("description")?.string

        var sources: [SourceSpec] = []
        if let list = top.required("sources")?.list {
            if list.isEmpty { top.value.diagnostics.report(top.value("sources")?.mark, "sources", "needs at least one source") }
            for item in list {
                if let s = parseSource(item, resolve: resolve) { sources.append(s) }
            }
        }
        let selection = PathSelection(include: globs(top.value("include")), exclude: globs(top.value("exclude")))

        var languages: [String: String] = ["py": "python"]
        if let v = top.value("languages") {
            languages = [:]
            if case .mapping(let pairs) = v.node, let m = v.mapping(allowed: pairs.compactMap { $0.key.string }) {
                for (k, _) in pairs {
                    guard let language = k.string, let exts = m.value(language)?.list else { continue }
                    for e in exts {
                        guard let ext = e.string else { continue }
                        let clean = ext.hasPrefix(".") ? String(ext.dropFirst()).lowercased() : ext.lowercased()
                        if clean.isEmpty || clean.contains("/") {
                            e.diagnostics.report(e.mark, e.path, "'\(ext)' is not a file extension")
                        } else if let other = languages[clean], other != language {
                            e.diagnostics.report(e.mark, e.path, "extension '\(clean)' is already given to \(other)")
                        } else {
                            languages[clean] = language
                        }
                    }
                }
            } else {
                _ = v.mapping(allowed: [])
            }
            if languages.isEmpty { v.diagnostics.report(v.mark, v.path, "needs at least one language with an extension") }
        }

        let filters = FilterSettings.parse(top.value("filters"))

        var dedup = true
        if let v = top.value("dedup"), let c = v.choice(["exact", "none"]) { dedup = c == "exact" }

        var validation = 0.02
        if let v = top.value("split"), let m = v.mapping(allowed: ["validation_fraction"]) {
            if let f = m.value("validation_fraction")?.double(in: 0...0.5) { validation = f }
        }

        var tokenizer = TokenizerSpec.train(vocabSize: 4096)
        if let v = top.required("tokenizer"), let m = v.mapping(allowed: ["path", "train"]) {
            if m.has("path") == m.has("train") {
                v.diagnostics.report(v.mark, v.path, "give exactly one of 'path' (a tokenizer.json) or 'train' ({vocab_size: N})")
            } else if let p = m.value("path")?.string {
                tokenizer = .file(resolve(p))
            } else if let t = m.value("train")?.mapping(allowed: ["vocab_size"]) {
                if let n = t.required("vocab_size")?.int(in: 512...(1 << 20)) { tokenizer = .train(vocabSize: n) }
            }
        }

        var shardTokens = defaultShardTokens
        if let n = top.value("shard_tokens")?.int(in: 1024...(1 << 31)) { shardTokens = n }

        var limits = ReadLimits()
        if let v = top.value("limits"), let m = v.mapping(allowed: ["max_entry_bytes", "max_archive_bytes"]) {
            if let n = m.value("max_entry_bytes")?.int(in: 1...(1 << 40)) { limits.maxEntryBytes = n }
            if let n = m.value("max_archive_bytes")?.int(in: 1...(1 << 50)) { limits.maxArchiveBytes = n }
        }
        if filters.maxFileBytes > limits.maxEntryBytes, let v = top.value("filters") {
            v.diagnostics.report(v.mark, "filters.max_file_bytes", "\(filters.maxFileBytes) is above limits.max_entry_bytes (\(limits.maxEntryBytes))")
        }

        try diags.throwIfAny()
        return DatasetRecipe(name: name, file: url.standardizedFileURL, sources: sources, selection: selection,
                             languages: languages, filters: filters, dedup: dedup, validationFraction: validation,
                             tokenizer: tokenizer, shardTokens: shardTokens, limits: limits)
    }

    static func globs(_ value: YAMLValue?) -> [Glob] {
        guard let value else { return [] }
        if case .scalar = value.node { return value.string.map { [Glob($0)] } ?? [] }
        return (value.list ?? []).compactMap { item in
            guard let s = item.string else { return nil }
            if s.isEmpty { item.diagnostics.report(item.mark, item.path, "empty pattern"); return nil }
            return Glob(s)
        }
    }

    static func parseSource(_ item: YAMLValue, resolve: (String) -> URL) -> SourceSpec? {
        let kinds = ["directory", "file", "archive", "python_stdlib", "problems"]
        guard let m = item.mapping(allowed: kinds + ["include", "exclude", "exclude_tests", "python"]) else { return nil }
        let given = kinds.filter { m.has($0) }
        guard given.count == 1 else {
            item.diagnostics.report(item.mark, item.path, given.isEmpty
                ? "a source needs one of \(kinds.joined(separator: ", "))"
                : "a source has exactly one of \(kinds.joined(separator: ", ")), found \(given.joined(separator: " and "))")
            return nil
        }
        let selection = PathSelection(include: globs(m.value("include")), exclude: globs(m.value("exclude")))
        if given[0] != "python_stdlib" {
            for key in ["exclude_tests", "python"] where m.has(key) {
                item.diagnostics.report(m.value(key)?.mark, "\(item.path).\(key)", "only applies to a python_stdlib source")
            }
        }
        switch given[0] {
        case "directory":
            guard let p = m.value("directory")?.string else { return nil }
            return SourceSpec(.directory(resolve(p)), selection: selection)
        case "file":
            guard let p = m.value("file")?.string else { return nil }
            return SourceSpec(.file(resolve(p)), selection: selection)
        case "archive":
            guard let p = m.value("archive")?.string else { return nil }
            return SourceSpec(.archive(resolve(p)), selection: selection)
        case "problems":
            guard let p = m.value("problems")?.string else { return nil }
            for key in ["include", "exclude"] where m.has(key) {
                item.diagnostics.report(m.value(key)?.mark, "\(item.path).\(key)", "does not apply to a problems source (it has no paths)")
            }
            return SourceSpec(.problems(resolve(p)))
        default:
            guard let v = m.value("python_stdlib"), let on = v.bool else { return nil }
            if !on { item.diagnostics.report(v.mark, v.path, "set to true, or remove the source"); return nil }
            let excludeTests = m.value("exclude_tests")?.bool ?? true
            let python = m.value("python")?.string ?? "python3"
            return SourceSpec(.pythonStdlib(python: python, excludeTests: excludeTests), selection: selection)
        }
    }
}
