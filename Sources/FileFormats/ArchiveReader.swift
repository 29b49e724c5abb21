import CArchive
import Foundation

/// Reads one file on disk through libarchive without unpacking it: a plain or compressed single file
/// (gzip, xz, zstd, bzip2, lz4, lzma: every filter libarchive knows), or the entries of an archive.
///
/// Use: `nextEntry()` until nil, and for each entry wanted `readEntry(maxBytes:)` or `readChunk(into:)`;
/// an entry not read is skipped by the next `nextEntry()`. Every failure is an `InputError` naming the
/// file (and the entry, as its key). Not thread-safe; one reader per file and thread.
public final class ArchiveReader {
    /// Which container formats are tried.
    public enum Formats: Sendable {
        /// The file is one stream, plain or compressed: one entry, the whole decompressed content.
        case singleFile
        /// Every archive format libarchive knows (tar, zip, 7z, cpio, ar, iso9660, mtree, …), any filter.
        case archive
        /// tar, zip, 7z or cpio under any filter, else the whole file as one entry. Leaves out the formats
        /// that take plain text for an archive: libarchive's mtree reader claims a one-line JSON file.
        case archiveOrSingleFile
    }

    /// One entry's header.
    public struct Entry: Sendable {
        /// Path inside the archive without leading `./` or `/`; `data` for a single file.
        public var path: String
        /// A regular file and not a hard link (the whole stream of a single file is one).
        public var isRegularFile: Bool
        /// Decompressed size the archive claims, in bytes; nil when it says none (single files, streamed zip).
        public var declaredSize: Int?
        /// The whole stream of a single file rather than an archive member.
        public var isWholeFile: Bool
    }

    /// The file being read, as given.
    public let path: String
    private let archive: OpaquePointer
    private var current: Entry?
    private var lastPath: String?

    /// Opens `path`. Throws `InputError`: "no such file", or "cannot read: …" (unreadable, not a
    /// regular file, or no format recognised).
    public init(path: String, formats: Formats) throws {
        self.path = path
        // Say what is wrong with the path in words before libarchive does ("Error reading", "Unrecognized archive format").
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(file: path, "no such file")
        }
        if isDirectory.boolValue { throw InputError(file: path, "is a directory, not a file") }
        if access(path, R_OK) != 0 { throw InputError(file: path, "cannot read: \(String(cString: strerror(errno)).lowercased())") }
        guard let a = archive_read_new() else { throw InputError(file: path, "libarchive could not allocate a reader") }
        archive = a
        archive_read_support_filter_all(a)
        switch formats {
        case .singleFile:
            archive_read_support_format_empty(a)   // an empty file is empty data, not an unknown format
            archive_read_support_format_raw(a)
        case .archive:
            archive_read_support_format_all(a)
        case .archiveOrSingleFile:
            archive_read_support_format_tar(a)
            archive_read_support_format_zip(a)
            archive_read_support_format_7zip(a)
            archive_read_support_format_cpio(a)
            archive_read_support_format_empty(a)
            archive_read_support_format_raw(a)
        }
        if archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK {
            let message = Self.message(a)  // `a` is freed by deinit: every stored property is set
            throw InputError(file: path, FileManager.default.fileExists(atPath: path) ? "cannot read: \(message)" : "no such file")
        }
    }

    deinit { archive_read_free(archive) }

    /// Whether the stream passed through a decompression filter (known once `nextEntry()` returned).
    public var isCompressed: Bool { archive_filter_count(archive) > 1 }

    /// The next entry's header, nil at the end. Throws `InputError` for a corrupt or truncated archive:
    /// "after entry NAME: libarchive's message".
    public func nextEntry() throws -> Entry? {
        var entry: OpaquePointer?
        let r = archive_read_next_header(archive, &entry)
        if r == ARCHIVE_EOF { current = nil; return nil }
        guard r >= ARCHIVE_WARN, let entry else {
            throw InputError(file: path, (lastPath.map { "after entry \($0): " } ?? "") + Self.message(archive))
        }
        let whole = archive_format(archive) == ARCHIVE_FORMAT_RAW
        let type = archive_entry_filetype(entry)
        let regular = (type == 0o100000 || (whole && type == 0)) && archive_entry_hardlink(entry) == nil
        let size = archive_entry_size_is_set(entry) != 0 ? max(0, Int(archive_entry_size(entry))) : nil
        let e = Entry(path: whole ? "data" : Self.entryPath(entry), isRegularFile: regular, declaredSize: size, isWholeFile: whole)
        current = e
        lastPath = e.path
        return e
    }

    /// Reads up to `buffer.count` bytes of the current entry; 0 at its end. Throws `InputError`
    /// "cannot read entry: …" (key: the entry) or, for a single file, "cannot decompress: …".
    public func readChunk(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = archive_read_data(archive, buffer.baseAddress, buffer.count)
        if n < 0 {
            if current?.isWholeFile ?? true { throw InputError(file: path, "cannot decompress: \(Self.message(archive))") }
            throw InputError(file: path, key: current?.path, "cannot read entry: \(Self.message(archive))")
        }
        return n
    }

    /// The current entry's data, or nil when it holds more than `maxBytes` (≥ 0) decompressed bytes:
    /// reading stops at the cap, so a zip bomb costs at most `maxBytes` of memory. After nil or a throw
    /// the position in a stream of unknown layout is lost: stop reading this file.
    public func readEntry(maxBytes: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        if let size = current?.declaredSize { bytes.reserveCapacity(min(size, maxBytes)) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try readChunk(into: $0) }
            if n == 0 { return bytes }
            if bytes.count + n > maxBytes { return nil }
            bytes.append(contentsOf: buffer[0..<n])
        }
    }

    /// The whole decompressed content of a plain or compressed single file (`Formats.singleFile`).
    /// Throws `InputError` when it is missing, unreadable, corrupt, or larger than `maxBytes`.
    public static func readFile(_ url: URL, maxBytes: Int = 1 << 32) throws -> Data {
        let reader = try ArchiveReader(path: url.path, formats: .singleFile)
        guard try reader.nextEntry() != nil else { return Data() }
        guard let bytes = try reader.readEntry(maxBytes: maxBytes) else {
            throw InputError(file: url.path, "decompresses past the limit of \(maxBytes) bytes")
        }
        return Data(bytes)
    }

    static func entryPath(_ entry: OpaquePointer) -> String {
        var name: String
        if let p = archive_entry_pathname_utf8(entry) { name = String(cString: p) }
        else if let p = archive_entry_pathname(entry) { name = String(decoding: Data(bytes: p, count: strlen(p)), as: UTF8.self) }
        else { name = "" }
        while name.hasPrefix("./") { name.removeFirst(2) }
        while name.hasPrefix("/") { name.removeFirst() }
        return name
    }

    static func message(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}
