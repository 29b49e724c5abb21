import FileFormats
import Foundation

/// The documents of one archive source (tar under any filter, zip, …, or a single compressed file such as
/// `x.py.gz`, read as one entry `x.py`), through FileFormats' `ArchiveReader`, with the corpus's caps.
///
/// Hostile input is bounded: an entry that claims more than `limits.maxEntryBytes` is skipped
/// unread, one that decompresses past it is cut off (and the rest of that archive skipped), and
/// once the sizes claimed or read in one archive pass `limits.maxArchiveBytes` nothing more of it
/// is read. Every such case, and every corrupt, truncated or unreadable archive, is reported to
/// `issues` with the archive's path and the entry; nothing throws.
struct ArchiveDocumentReader {
    var limits: ReadLimits
    /// Entries that claim or hold more than this many bytes are not kept; `tooLarge` is sent instead.
    var maxFileBytes: Int
    var issues: SourceIssueLog

    enum Event {
        case document(entry: String, bytes: [UInt8])
        /// A wanted entry above `maxFileBytes` bytes (filtered, not an issue).
        case tooLarge(entry: String, size: Int)
    }

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

    /// Sends every regular entry of `file` that `wants` (by entry path) to `body`, in archive order.
    func read(_ file: FoundFile, wants: (String) -> Bool, body: (Event) -> Void) {
        let path = file.path
        let singleName = Self.singleEntryName((path as NSString).lastPathComponent)
        let reader: ArchiveReader
        do {
            reader = try ArchiveReader(path: path, formats: singleName == nil ? .archive : .singleFile)
        } catch let e as InputError {
            let kind: SourceIssue.Kind = access(path, R_OK) != 0 ? .unreadable : .corruptArchive
            issues.report(kind, file: path, e.problem)
            return
        } catch { return }

        var total = 0
        /// Counts `size` toward the archive's total; false (reported) once past it.
        func account(_ size: Int, _ name: String) -> Bool {
            total += size
            if total <= limits.maxArchiveBytes { return true }
            issues.report(.oversized, file: path, entry: name, "archive passes the limit of \(limits.maxArchiveBytes) bytes in total; the rest is skipped")
            return false
        }
        do {
            while let entry = try reader.nextEntry() {
                if singleName != nil, !reader.isCompressed {
                    issues.report(.corruptArchive, file: path, "not a compressed file (no compression format recognised)")
                    return
                }
                let name = singleName ?? entry.path
                guard entry.isRegularFile else { continue }
                let declared = entry.declaredSize
                guard wants(name) else {
                    if !account(declared ?? 0, name) { return }
                    continue
                }
                if let size = declared, size > limits.maxEntryBytes {
                    issues.report(.oversized, file: path, entry: name, "claims \(size) bytes, over the per-entry limit of \(limits.maxEntryBytes)")
                    if !account(size, name) { return }
                    continue
                }
                if let size = declared, size > maxFileBytes {
                    body(.tooLarge(entry: name, size: size))
                    if !account(size, name) { return }
                    continue
                }
                // Read the data, never past the per-entry or per-archive cap.
                let cap = min(limits.maxEntryBytes, limits.maxArchiveBytes - total)
                let read: [UInt8]?
                do { read = try reader.readEntry(maxBytes: max(0, cap)) } catch let e as InputError {
                    issues.report(.corruptArchive, file: path, entry: name, e.problem)
                    return  // after a data error the stream position is unknown: stop this archive
                }
                guard let bytes = read else {
                    let which = cap == limits.maxEntryBytes ? "the per-entry limit of \(limits.maxEntryBytes)" : "the archive's total limit of \(limits.maxArchiveBytes)"
                    issues.report(.oversized, file: path, entry: name, "decompresses past \(which) bytes\(declared.map { " (declared \($0))" } ?? ""); the rest of the archive is skipped")
                    return
                }
                total += bytes.count
                body(bytes.count > maxFileBytes ? .tooLarge(entry: name, size: bytes.count) : .document(entry: name, bytes: bytes))
            }
        } catch let e as InputError {
            issues.report(.corruptArchive, file: path, e.problem)  // a corrupt or truncated header
        } catch {}
    }
}
