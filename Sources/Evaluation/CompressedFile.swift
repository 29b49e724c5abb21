import CArchive
import FileFormats
import Foundation

/// Reads a file that may be gzip-compressed, through libarchive's raw format with all filters
/// (so plain text passes through unchanged and `.gz` is inflated).
enum CompressedFile {
    static func read(_ url: URL) throws -> Data {
        guard let archive = archive_read_new() else { throw InputError(file: url.path, "cannot allocate a reader") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_raw(archive)
        guard archive_read_open_filename(archive, url.path, 1 << 16) == ARCHIVE_OK else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw InputError(file: url.path, exists ? "cannot read: \(message(archive))" : "no such file")
        }
        var entry: OpaquePointer?
        let header = archive_read_next_header(archive, &entry)
        if header == ARCHIVE_EOF { return Data() }
        guard header == ARCHIVE_OK || header == ARCHIVE_WARN else {
            throw InputError(file: url.path, "cannot read: \(message(archive))")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = archive_read_data(archive, &buffer, buffer.count)
            if n == 0 { break }
            if n < 0 { throw InputError(file: url.path, "cannot decompress: \(message(archive))") }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }

    private static func message(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
    }
}
