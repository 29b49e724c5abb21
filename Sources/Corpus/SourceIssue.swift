import FileFormats
import Foundation

/// A problem with the input found while reading sources: it is reported with its place,
/// counted, and the input is skipped (`--strict` turns any of them into exit status 2).
public struct SourceIssue: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// An archive that libarchive cannot read (corrupt, truncated, unknown format).
        case corruptArchive = "corrupt_archive"
        /// An entry or file that claims or decompresses to more than the read limits.
        case oversized = "oversized"
        /// A symbolic link that leads back into itself or an ancestor directory.
        case symlinkLoop = "symlink_loop"
        /// A symbolic link to nothing.
        case brokenSymlink = "broken_symlink"
        /// A symbolic link whose target lies outside the source's root directory (not followed).
        case symlinkOutsideRoot = "symlink_outside_root"
        /// A file or directory that cannot be opened or read.
        case unreadable = "unreadable"
        /// A file whose bytes are not UTF-8 text.
        case nonUTF8 = "non_utf8"
    }

    public var kind: Kind
    /// The file on disk (an archive, for an archive entry).
    public var file: String
    /// The entry inside the archive, when there is one.
    public var entry: String?
    public var problem: String

    public init(_ kind: Kind, file: String, entry: String? = nil, _ problem: String) {
        self.kind = kind
        self.file = file
        self.entry = entry
        self.problem = problem
    }

    /// `FILE: ENTRY: problem`, the same shape as `InputError`.
    public var description: String { inputError.description }

    public var inputError: InputError { InputError(file: file, key: entry, problem) }
}

/// Collects issues in the order they were found.
public final class SourceIssueLog: @unchecked Sendable {
    public private(set) var issues: [SourceIssue] = []
    /// Called for each issue as it is found (printing, progress), if set.
    public var onIssue: ((SourceIssue) -> Void)?

    public init(onIssue: ((SourceIssue) -> Void)? = nil) { self.onIssue = onIssue }

    public func report(_ issue: SourceIssue) {
        issues.append(issue)
        onIssue?(issue)
    }

    public func report(_ kind: SourceIssue.Kind, file: String, entry: String? = nil, _ problem: String) {
        report(SourceIssue(kind, file: file, entry: entry, problem))
    }

    /// Count of issues by kind, every kind present (zeros included) for a stable report.
    public var counts: [String: Int] {
        var c = Dictionary(uniqueKeysWithValues: SourceIssue.Kind.allCases.map { ($0.rawValue, 0) })
        for i in issues { c[i.kind.rawValue, default: 0] += 1 }
        return c
    }
}
