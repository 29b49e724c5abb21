import CArchive
import FileFormats
import Foundation

/// Streams the lines of a telemetry file through libarchive: plain text, gzip / xz / zstd / bzip2
/// compressed text, or an archive (tar, tar.gz, zip, 7z, cpio) whose `.jsonl` / `.ndjson` entries are read in
/// order. Nothing is unpacked to disk.
///
/// (A small reader of its own; the corpus target's archive reader does the same for source files and
/// the two can be merged.)
public enum TelemetryLineReader {
    /// Calls `body(place, lineNumber, line)` for every line; `place` is the file, or `file(entry)` for an
    /// archive entry, and line numbers are 1-based within it. A last line without a newline is delivered too.
    /// Longest line accepted (a file without newlines is not JSON lines).
    public static let maxLineBytes = 64 << 20

    public static func forEachLine(in url: URL, _ body: (String, Int, Substring) throws -> Void) throws {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw InputError(file: url.path, "cannot open for reading")
        }
        guard let archive = archive_read_new() else { throw InputError(file: url.path, "libarchive: out of memory") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        // Only container formats that cannot be mistaken for JSON text: with support_format_all, libarchive's
        // mtree reader claims a one-line JSON file and fails on it ("Missing type keyword in mtree specification").
        archive_read_support_format_tar(archive)
        archive_read_support_format_zip(archive)
        archive_read_support_format_7zip(archive)
        archive_read_support_format_cpio(archive)
        archive_read_support_format_empty(archive)
        archive_read_support_format_raw(archive)
        if archive_read_open_filename(archive, url.path, 1 << 16) != ARCHIVE_OK {
            throw InputError(file: url.path, "cannot read: \(message(archive))")
        }
        var entry: OpaquePointer?
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let r = archive_read_next_header(archive, &entry)
            if r == ARCHIVE_EOF { break }
            if r != ARCHIVE_OK && r != ARCHIVE_WARN { throw InputError(file: url.path, "corrupt archive: \(message(archive))") }
            let isRaw = archive_format(archive) == ARCHIVE_FORMAT_RAW
            let name = entry.flatMap { archive_entry_pathname($0) }.map { String(cString: $0) } ?? "data"
            if !isRaw {
                if let entry, archive_entry_filetype(entry) != 0o100000 { continue }
                let lower = name.lowercased()
                if !(lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson")) { continue }
            }
            let place = isRaw ? url.path : "\(url.path)(\(name))"
            var pending: [UInt8] = []
            var lineNumber = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if n < 0 { throw InputError(file: place, "corrupt or truncated data after line \(lineNumber): \(message(archive))") }
                if n == 0 { break }
                var start = 0
                for i in 0..<n where buffer[i] == 10 {
                    lineNumber += 1
                    if pending.isEmpty {
                        try deliver(buffer[start..<i], place, lineNumber, body)
                    } else {
                        pending.append(contentsOf: buffer[start..<i])
                        try deliver(pending[...], place, lineNumber, body)
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = i + 1
                }
                pending.append(contentsOf: buffer[start..<n])
                if pending.count > maxLineBytes {
                    throw InputError(file: place, line: lineNumber + 1, "line longer than \(maxLineBytes >> 20) MiB")
                }
            }
            if !pending.isEmpty {
                lineNumber += 1
                try deliver(pending[...], place, lineNumber, body)
            }
        }
    }

    private static func deliver(_ bytes: ArraySlice<UInt8>, _ place: String, _ n: Int,
                                _ body: (String, Int, Substring) throws -> Void) throws {
        var slice = bytes
        if slice.last == 13 { slice = slice.dropLast() }
        let text = String(decoding: slice, as: UTF8.self)
        try body(place, n, text[...])
    }

    private static func message(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "unknown error"
    }

    /// Reads and validates every line of `url`: the good events, and the validator with the errors and counts.
    public static func readEvents(from url: URL) throws -> (events: [TelemetryEvent], validator: TelemetryValidator) {
        var validator = TelemetryValidator()
        var events: [TelemetryEvent] = []
        try forEachLine(in: url) { place, n, line in
            if let e = validator.check(line: line, lineNumber: n, file: place) { events.append(e) }
        }
        return (events, validator)
    }
}
