import Foundation

/// What `codetune data inspect` shows: the counts a user checks before training on a dataset.
public struct DatasetSummary: Codable, Sendable {
    public struct Extension: Codable, Sendable {
        public var name: String
        public var documents: Int
        public var bytes: Int
        public var tokens: Int
        public var bytesPerToken: Double

        enum CodingKeys: String, CodingKey { case name, documents, bytes, tokens, bytesPerToken = "bytes_per_token" }
    }

    public var name: String
    public var directory: String
    public var documents: Int
    public var tokens: Int
    public var bytes: Int
    public var bytesPerToken: Double
    /// Documents and tokens per split.
    public var splits: [String: SplitCounts]
    public var vocabSize: Int
    public var tokenDtype: String
    /// Extensions by kept bytes, largest first.
    public var topExtensions: [Extension]
    public var filters: FilterReport
    public var issueCounts: [String: Int]
    public var prepareSeconds: Double

    public struct SplitCounts: Codable, Sendable {
        public var documents: Int
        public var tokens: Int
        public var shards: Int
    }

    enum CodingKeys: String, CodingKey {
        case name, directory, documents, tokens, bytes, splits, filters
        case bytesPerToken = "bytes_per_token", vocabSize = "vocab_size", tokenDtype = "token_dtype"
        case topExtensions = "top_extensions", issueCounts = "issue_counts", prepareSeconds = "prepare_seconds"
    }

    public init(manifest m: DatasetManifest, directory: URL, top: Int = 10) {
        name = m.name
        self.directory = directory.path
        documents = m.documents
        tokens = m.tokens
        bytes = m.bytes
        bytesPerToken = m.bytesPerToken
        splits = m.splits.mapValues { SplitCounts(documents: $0.documents, tokens: $0.tokens, shards: $0.shards.count) }
        vocabSize = m.tokenizer.vocabSize
        tokenDtype = m.tokenDtype.rawValue
        topExtensions = m.extensions
            .map { Extension(name: $0.key, documents: $0.value.documents, bytes: $0.value.bytes, tokens: $0.value.tokens,
                             bytesPerToken: $0.value.tokens == 0 ? 0 : Double($0.value.bytes) / Double($0.value.tokens)) }
            .sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
            .prefix(max(0, top)).map { $0 }
        filters = m.filters
        issueCounts = m.issueCounts.filter { $0.value > 0 }
        prepareSeconds = m.prepareSeconds
    }

    /// Aligned plain text, one fact per line.
    public var text: String {
        func n(_ v: Int) -> String {
            let s = String(v)
            var out = ""
            for (i, c) in s.reversed().enumerated() {
                if i > 0, i % 3 == 0, c != "-" { out.append(",") }
                out.append(c)
            }
            return String(out.reversed())
        }
        func mb(_ v: Int) -> String { String(format: "%.2f MB", Double(v) / 1e6) }
        let train = splits["train"], validation = splits["validation"]
        var lines = [
            "dataset     \(name)",
            "directory   \(directory)",
            "documents   \(n(documents))  (train \(n(train?.documents ?? 0)), validation \(n(validation?.documents ?? 0)))",
            "tokens      \(n(tokens))  (train \(n(train?.tokens ?? 0)), validation \(n(validation?.tokens ?? 0)); separators included)",
            "bytes       \(mb(bytes)), \(String(format: "%.2f", bytesPerToken)) bytes/token",
            "tokenizer   vocabulary \(n(vocabSize)), shards \(tokenDtype): \(train?.shards ?? 0) train, \(validation?.shards ?? 0) validation",
            "prepared    in \(String(format: "%.1f", prepareSeconds)) s",
            "extensions  documents        bytes       tokens  bytes/token",
        ]
        for e in topExtensions {
            lines.append("  " + pad(e.name.isEmpty ? "(none)" : "." + e.name, 10) + lpad(n(e.documents), 9) + lpad(mb(e.bytes), 13)
                         + lpad(n(e.tokens), 13) + lpad(String(format: "%.2f", e.bytesPerToken), 13))
        }
        lines.append("filters     \(n(filters.documentsSeen)) documents seen (\(mb(filters.bytesSeen))), \(n(filters.documentsKept)) kept (\(mb(filters.bytesKept)))")
        for reason in FilterReason.allCases {
            lines.append("  " + pad(reason.rawValue, 28) + lpad(n(filters[reason]), 9))
        }
        let issueTotal = issueCounts.values.reduce(0, +)
        lines.append("issues      \(n(issueTotal))" + (issueTotal == 0 ? "" : "  (" + issueCounts.keys.sorted().map { "\($0) \(issueCounts[$0]!)" }.joined(separator: ", ") + "; listed in manifest.json)"))
        return lines.joined(separator: "\n")
    }

    func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
    func lpad(_ s: String, _ width: Int) -> String { s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s }
}
