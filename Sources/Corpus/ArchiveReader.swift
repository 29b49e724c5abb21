import CArchive
import Foundation

/// Reads an archive entry by entry through libarchive, without unpacking to disk.
///
/// Formats: tar (plain, .gz, .xz, .zst, .bz2 and the other filters libarchive knows), zip, and
/// single compressed files (`x.py.gz`, read as one entry `x.py` with libarchive's raw format).
///
/// Hostile input is bounded: an entry that claims more than `limits.maxEntryBytes` is skipped
/// unread, one that decompresses past it is cut off (and the rest of that archive skipped), and
/// once the sizes claimed or read in one archive pass `limits.maxArchiveBytes` nothing more of it
/// is read. Every such case, and every corrupt or truncated archive, is reported as an issue
/// with the archive's path and the entry.
struct ArchiveReader {
    var limits: ReadLimits
    /// Entries that claim more than this are not read; `tooLarge` is called instead.
    var maxFileBytes: Int
    var issues: SourceIssueLog

    enum Event {
        case document(entry: String, bytes: [UInt8])
        /// A wanted entry whose declared size is above `maxFileBytes` (filtered, not an issue).
        case tooLarge(entry: String, size: Int)
    }

    /// libarchive's `AE_IFREG` (a macro Swift does not import).
    static let regularFile = mode_t(0o100000)

    /// Suffixes of single compressed files, read as one entry named without the suffix.
    static let singleFileSuffixes = [".gz", ".xz", ".zst", ".bz2", ".lz4", ".lzma"]

    /// The entry name for a single compressed file, or nil for an archive of many entries.
    static func singleEntryName(_ fileName: String) -> String? {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".tgz") || lower.hasSuffix(".tbz2") || lower.hasSuffix(".txz") || lower.contains(".tar.") { return nil }
        for s in singleFileSuffixes where lower.hasSuffix(s) && lower.count > s.count {
            return String(fileName.dropLast(s.count))
        }
        return nil
    }

    /// Reads every regular entry of `file` that `wants` (by entry path), in archive order.
    func read(_ file: FoundFile, wants: (String) -> Bool, body: (Event) -> Void) {
        let path = file.path
        guard let a = archive_read_new() else {
            issues.report(.unreadable, file: path, "libarchive could not allocate a reader")
            return
        }
        defer { archive_read_free(a) }
        archive_read_support_filter_all(a)
        let singleName = ArchiveReader.singleEntryName((path as NSString).lastPathComponent)
        if singleName != nil { archive_read_support_format_raw(a) } else { archive_read_support_format_all(a) }

        if archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK {
            let message = errorString(a)
            let kind: SourceIssue.Kind = access(path, R_OK) != 0 ? .unreadable : .corruptArchive
            issues.report(kind, file: path, "cannot open archive: \(message)")
            return
        }

        var total = 0
        var entry: OpaquePointer?
        var lastEntry: String?
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let r = archive_read_next_header(a, &entry)
            if r == ARCHIVE_EOF { break }
            if r < ARCHIVE_WARN || entry == nil {
                let place = lastEntry.map { "after entry \($0): " } ?? ""
                issues.report(.corruptArchive, file: path, "\(place)\(errorString(a))")
                return
            }
            if singleName != nil, archive_filter_count(a) < 2 {
                issues.report(.corruptArchive, file: path, "not a compressed file (no compression format recognised)")
                return
            }
            let name = singleName ?? entryName(entry)
            lastEntry = name
            let type = archive_entry_filetype(entry)
            guard type == ArchiveReader.regularFile || (singleName != nil && type == 0), archive_entry_hardlink(entry) == nil else { continue }
            guard wants(name) else {
                if archive_entry_size_is_set(entry) != 0 { total += max(0, Int(archive_entry_size(entry))) }
                if total > limits.maxArchiveBytes {
                    issues.report(.oversized, file: path, entry: name, "archive passes the limit of \(limits.maxArchiveBytes) bytes in total; the rest is skipped")
                    return
                }
                continue
            }
            var declared: Int?
            if archive_entry_size_is_set(entry) != 0 { declared = Int(archive_entry_size(entry)) }
            if let size = declared {
                if size > limits.maxEntryBytes {
                    issues.report(.oversized, file: path, entry: name, "claims \(size) bytes, over the per-entry limit of \(limits.maxEntryBytes)")
                    total += size
                    if total > limits.maxArchiveBytes {
                        issues.report(.oversized, file: path, entry: name, "archive passes the limit of \(limits.maxArchiveBytes) bytes in total; the rest is skipped")
                        return
                    }
                    continue
                }
                if size > maxFileBytes {
                    body(.tooLarge(entry: name, size: size))
                    total += size
                    continue
                }
            }
            // Read the data, never past the per-entry or per-archive cap.
            let cap = min(limits.maxEntryBytes, limits.maxArchiveBytes - total)
            var bytes: [UInt8] = []
            if let size = declared { bytes.reserveCapacity(min(size, cap)) }
            var failure: String?
            var cutOff = false
            while true {
                let n = buffer.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                if n == 0 { break }
                if n < 0 {
                    failure = errorString(a)
                    break
                }
                if bytes.count + n > cap { cutOff = true; break }
                bytes.append(contentsOf: buffer[0..<n])
            }
            total += bytes.count
            if let failure {
                issues.report(.corruptArchive, file: path, entry: name, "cannot read entry: \(failure)")
                return // after a data error the stream position is unknown: stop this archive
            }
            if cutOff {
                let which = cap == limits.maxEntryBytes ? "the per-entry limit of \(limits.maxEntryBytes)" : "the archive's total limit of \(limits.maxArchiveBytes)"
                issues.report(.oversized, file: path, entry: name, "decompresses past \(which) bytes\(declared.map { " (declared \($0))" } ?? ""); the rest of the archive is skipped")
                return
            }
            if bytes.count > maxFileBytes {
                body(.tooLarge(entry: name, size: bytes.count))
            } else {
                body(.document(entry: name, bytes: bytes))
            }
        }
    }

    func entryName(_ entry: OpaquePointer?) -> String {
        var name: String
        if let p = archive_entry_pathname_utf8(entry) { name = String(cString: p) }
        else if let p = archive_entry_pathname(entry) { name = String(decoding: Data(bytes: p, count: strlen(p)), as: UTF8.self) }
        else { name = "" }
        while name.hasPrefix("./") { name.removeFirst(2) }
        while name.hasPrefix("/") { name.removeFirst() }
        return name
    }

    func errorString(_ a: OpaquePointer?) -> String {
        if let s = archive_error_string(a) { return String(cString: s) }
        return "unknown libarchive error"
    }
}
