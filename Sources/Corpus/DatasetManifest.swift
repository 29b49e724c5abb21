import FileFormats
import Foundation

/// Element type of the token shard files: little-endian `uint16`, or `uint32` when the
/// vocabulary has more than 65536 ids.
public enum TokenDType: String, Codable, Sendable {
    case uint16, uint32

    public var byteWidth: Int { self == .uint16 ? 2 : 4 }

    public static func forVocabulary(_ size: Int) -> TokenDType { size > 65536 ? .uint32 : .uint16 }
}

/// One shard file of a split.
public struct ShardInfo: Codable, Sendable, Equatable {
    /// File name inside the dataset directory (`train-00000.bin`).
    public var file: String
    public var tokens: Int
    public var sha256: String
}

/// A split's shards and counts.
public struct SplitInfo: Codable, Sendable, Equatable {
    public var documents: Int
    public var tokens: Int
    /// UTF-8 bytes of the documents (separators not counted).
    public var bytes: Int
    public var shards: [ShardInfo]
}

/// `manifest.json` of a prepared dataset: written last, so a directory without one is not a dataset.
public struct DatasetManifest: Codable, Sendable, Equatable {
    public static let currentFormat = "codetune.token-shards.v1"

    public struct Source: Codable, Sendable, Equatable {
        public var kind: String
        public var path: String
        public var detail: String?
        /// Regular files or archives read from this source.
        public var inputs: Int
        /// Documents kept.
        public var documents: Int
        public var bytes: Int
    }

    public struct Tokenizer: Codable, Sendable, Equatable {
        /// `tokenizer.json`, copied into the dataset directory.
        public var file: String
        /// SHA-256 of that file, which is `BPETokenizer.contentHash`.
        public var sha256: String
        public var vocabSize: Int
        public var endOfTextId: Int
        /// True when trained from this dataset's train split.
        public var trained: Bool

        enum CodingKeys: String, CodingKey {
            case file, sha256, trained, vocabSize = "vocab_size", endOfTextId = "end_of_text_id"
        }
    }

    public struct Split: Codable, Sendable, Equatable {
        /// How documents are assigned: `sha256(content)[0..<8] / 2^64 < validation_fraction`.
        public var method: String
        public var validationFraction: Double

        enum CodingKeys: String, CodingKey { case method, validationFraction = "validation_fraction" }
    }

    public struct ExtensionCount: Codable, Sendable, Equatable {
        public var documents: Int
        public var bytes: Int
        public var tokens: Int
    }

    public var format: String
    public var name: String
    /// Full hex SHA-256 of everything the dataset depends on; its first 16 digits name the directory.
    public var cacheKey: String
    /// What the source part of the cache key covers.
    public var sourceIdentity: String
    public var recipe: String
    public var createdAt: String
    public var prepareSeconds: Double
    public var tokenizer: Tokenizer
    public var tokenDtype: TokenDType
    /// Documents are joined by this token: each document is followed by it.
    public var separator: String
    public var split: Split
    public var sources: [Source]
    public var documents: Int
    public var tokens: Int
    public var bytes: Int
    /// `train` and `validation`.
    public var splits: [String: SplitInfo]
    /// Kept documents by lowercase extension (`py`).
    public var extensions: [String: ExtensionCount]
    public var filters: FilterReport
    /// Count of issues by kind, and every issue.
    public var issueCounts: [String: Int]
    public var issues: [SourceIssue]

    enum CodingKeys: String, CodingKey {
        case format, name, recipe, tokenizer, separator, split, sources, documents, tokens, bytes, splits, extensions, filters, issues
        case cacheKey = "cache_key", sourceIdentity = "source_identity", createdAt = "created_at"
        case prepareSeconds = "prepare_seconds", tokenDtype = "token_dtype", issueCounts = "issue_counts"
    }

    /// Bytes of source text per token over both splits.
    public var bytesPerToken: Double { tokens == 0 ? 0 : Double(bytes) / Double(tokens) }

    public static let fileName = "manifest.json"

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads `manifest.json` from a dataset directory.
    public static func read(directory: URL) throws -> DatasetManifest {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw InputError(file: directory.path, "not a prepared dataset (no \(fileName); run `codetune data prepare` on its recipe)")
        }
        let manifest: DatasetManifest
        do { manifest = try JSONDecoder().decode(DatasetManifest.self, from: data) } catch let e as DecodingError {
            throw InputError(file: url.path, JSONLines.describe(e))
        }
        guard manifest.format == currentFormat else {
            throw InputError(file: url.path, key: "format", "'\(manifest.format)' is not \(currentFormat)")
        }
        return manifest
    }
}
