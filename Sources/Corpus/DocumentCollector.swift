import FileFormats
import Foundation
import Problems

/// What the filters did: documents and bytes seen and kept, and how many documents each
/// filter removed (every reason present, zeros included). A document is counted under the
/// first filter that rejects it (size, UTF-8, empty, line lengths, alphanumeric fraction,
/// generated markers, then exact duplicates).
public struct FilterReport: Codable, Sendable, Equatable {
    public var documentsSeen = 0
    public var bytesSeen = 0
    public var documentsKept = 0
    public var bytesKept = 0
    public var rejected: [String: Int] = Dictionary(uniqueKeysWithValues: FilterReason.allCases.map { ($0.rawValue, 0) })

    public init() {}

    public subscript(reason: FilterReason) -> Int { rejected[reason.rawValue] ?? 0 }

    enum CodingKeys: String, CodingKey {
        case documentsSeen = "documents_seen", bytesSeen = "bytes_seen", documentsKept = "documents_kept"
        case bytesKept = "bytes_kept", rejected
    }
}

/// The documents a recipe selects, filtered, deduplicated and split, with the report.
public struct CollectedDocuments: Sendable {
    public var train = DocumentStore()
    public var validation = DocumentStore()
    public var report = FilterReport()
    /// Kept documents and bytes per source, in plan order.
    public var perSource: [(documents: Int, bytes: Int)] = []
    public var issues: [SourceIssue] = []
}

/// Which split a document belongs to, from its content hash alone, so adding sources never
/// moves an existing document to the other split.
public enum DocumentSplit {
    /// Validation when the first 8 bytes of SHA-256(content), read as a big-endian fraction
    /// of 2^64, fall below `validationFraction`.
    public static func isValidation(digest: [UInt8], validationFraction: Double) -> Bool {
        var u: UInt64 = 0
        for i in 0..<8 { u = u << 8 | UInt64(digest[i]) }
        return Double(u) < validationFraction * 18446744073709551616.0
    }
}

/// Reads every input of a plan and keeps what passes the recipe's filters.
public struct DocumentCollector {
    public let recipe: DatasetRecipe
    public let filter: DocumentFilter
    let issues: SourceIssueLog

    /// `onIssue` sees each problem as it is found (for printing).
    public init(recipe: DatasetRecipe, onIssue: ((SourceIssue) -> Void)? = nil) {
        self.recipe = recipe
        filter = DocumentFilter(recipe.filters)
        issues = SourceIssueLog(onIssue: onIssue)
    }

    struct DigestKey: Hashable { var a: UInt64; var b: UInt64 }

    public func collect(_ plan: SourcePlan) -> CollectedDocuments {
        var out = CollectedDocuments()
        out.perSource = Array(repeating: (0, 0), count: plan.sources.count)
        var seen = Set<DigestKey>()
        for issue in plan.issues { issues.report(issue) }

        func consider(_ bytes: UnsafeRawBufferPointer, source: Int, file: String, entry: String?, name: String) {
            out.report.documentsSeen += 1
            out.report.bytesSeen += bytes.count
            if let reason = filter.reason(bytes) {
                out.report.rejected[reason.rawValue, default: 0] += 1
                if reason == .nonUTF8 { issues.report(.nonUTF8, file: file, entry: entry, "not UTF-8 text") }
                return
            }
            let digest = SHA256Digest.bytes(bytes)
            if recipe.dedup {
                var a: UInt64 = 0, b: UInt64 = 0
                for i in 0..<8 { a = a << 8 | UInt64(digest[i]); b = b << 8 | UInt64(digest[8 + i]) }
                if !seen.insert(DigestKey(a: a, b: b)).inserted {
                    out.report.rejected[FilterReason.duplicate.rawValue, default: 0] += 1
                    return
                }
            }
            out.report.documentsKept += 1
            out.report.bytesKept += bytes.count
            out.perSource[source].documents += 1
            out.perSource[source].bytes += bytes.count
            let ext = fileExtension(name)
            if DocumentSplit.isValidation(digest: digest, validationFraction: recipe.validationFraction) {
                out.validation.append(bytes, source: source, fileExtension: ext)
            } else {
                out.train.append(bytes, source: source, fileExtension: ext)
            }
        }

        func tooLarge(_ size: Int) {
            out.report.documentsSeen += 1
            out.report.bytesSeen += size
            out.report.rejected[FilterReason.maxFileBytes.rawValue, default: 0] += 1
        }

        let archiveReader = ArchiveDocumentReader(limits: recipe.limits, maxFileBytes: recipe.filters.maxFileBytes, issues: issues)
        for (index, source) in plan.sources.enumerated() {
            let wants = { (path: String) -> Bool in
                recipe.languages[fileExtension(path)] != nil && source.selection.selects(path)
            }
            for item in source.items {
                switch item {
                case .file(let f):
                    switch readFile(f.path) {
                    case .bytes(let bytes):
                        bytes.withUnsafeBytes { consider($0, source: index, file: f.path, entry: nil, name: f.relativePath) }
                    case .tooLarge(let size):
                        tooLarge(size)
                    case .failed(let problem):
                        issues.report(.unreadable, file: f.path, problem)
                    }
                case .problems(let f):
                    do {
                        for p in try ProblemFile.load(URL(fileURLWithPath: f.path), requirement: .texts) {
                            let text = Array((p.prompt + (p.canonical_solution ?? "")).utf8)
                            text.withUnsafeBytes { consider($0, source: index, file: f.path, entry: p.task_id, name: "\(p.task_id).py") }
                        }
                    } catch let e as InputError {
                        issues.report(.unreadable, file: f.path, e.line.map { "line \($0): \(e.problem)" } ?? e.problem)
                    } catch {
                        issues.report(.unreadable, file: f.path, "cannot read the problems: \(error.localizedDescription)")
                    }
                case .archive(let f):
                    archiveReader.read(f, wants: wants) { event in
                        switch event {
                        case .document(let entry, let bytes):
                            bytes.withUnsafeBytes { consider($0, source: index, file: f.path, entry: entry, name: entry) }
                        case .tooLarge(_, let size):
                            tooLarge(size)
                        }
                    }
                }
            }
        }
        out.issues = issues.issues
        return out
    }

    enum FileRead { case bytes([UInt8]), tooLarge(Int), failed(String) }

    /// Reads a whole file, never more than `maxFileBytes + 1` bytes.
    func readFile(_ path: String) -> FileRead {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failed("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failed("cannot stat: \(String(cString: strerror(errno)))") }
        guard st.st_mode & S_IFMT == S_IFREG else { return .failed("not a regular file") }
        let limit = recipe.filters.maxFileBytes
        if Int(st.st_size) > limit { return .tooLarge(Int(st.st_size)) }
        var bytes = [UInt8](repeating: 0, count: min(Int(st.st_size), limit) + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                if bytes.count > limit { return .tooLarge(filled) }
                bytes.append(contentsOf: repeatElement(0, count: min(1 << 16, limit + 1 - bytes.count)))
            }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed("cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return .bytes(bytes)
    }
}
