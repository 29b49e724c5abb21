import FileFormats
import Foundation

/// Streams the lines of a telemetry file through FileFormats' `ArchiveReader`: plain text, gzip / xz / zstd /
/// bzip2 compressed text, or an archive (tar under any filter, zip, 7z, cpio) whose `.jsonl` / `.ndjson` entries
/// are read in order. Nothing is unpacked to disk.
public enum TelemetryLineReader {
    /// Longest line accepted, in bytes (a file without newlines is not JSON lines).
    public static let maxLineBytes = 64 << 20

    /// Calls `body(place, lineNumber, line)` for every line; `place` is the file, or `file(entry)` for an
    /// archive entry, and line numbers are 1-based within it. A last line without a newline is delivered too;
    /// a trailing `\r` is dropped. Throws `InputError` for a missing, unreadable or corrupt file. A line whose
    /// bytes are not UTF-8 goes to `nonUTF8(place, lineNumber)` instead of `body`; without it, it throws.
    public static func forEachLine(in url: URL, nonUTF8: ((String, Int) throws -> Void)? = nil,
                                   _ body: (String, Int, Substring) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw InputError(file: url.path, "is a directory, not a telemetry file")
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw InputError(file: url.path, exists ? "permission denied" : "no such file or directory")
        }
        let bad: (String, Int) throws -> Void = nonUTF8 ?? { place, n in throw InputError(file: place, line: n, "not UTF-8 text") }
        let reader = try ArchiveReader(path: url.path, formats: .archiveOrSingleFile)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while let entry = try reader.nextEntry() {
            if !entry.isWholeFile {
                let lower = entry.path.lowercased()
                if !entry.isRegularFile || !(lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson")) { continue }
            }
            let place = entry.isWholeFile ? url.path : "\(url.path)(\(entry.path))"
            var pending: [UInt8] = []
            var lineNumber = 0
            while true {
                let n: Int
                do { n = try buffer.withUnsafeMutableBytes { try reader.readChunk(into: $0) } } catch let e as InputError {
                    throw InputError(file: place, "corrupt or truncated data after line \(lineNumber): \(e.problem)")
                }
                if n == 0 { break }
                var start = 0
                for i in 0..<n where buffer[i] == 10 {
                    lineNumber += 1
                    if pending.isEmpty {
                        try deliver(buffer[start..<i], place, lineNumber, bad, body)
                    } else {
                        pending.append(contentsOf: buffer[start..<i])
                        try deliver(pending[...], place, lineNumber, bad, body)
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
                try deliver(pending[...], place, lineNumber, bad, body)
            }
        }
    }

    private static func deliver(_ bytes: ArraySlice<UInt8>, _ place: String, _ n: Int, _ nonUTF8: (String, Int) throws -> Void,
                                _ body: (String, Int, Substring) throws -> Void) throws {
        var slice = bytes
        if slice.last == 13 { slice = slice.dropLast() }
        guard let text = String(validating: slice, as: UTF8.self) else { return try nonUTF8(place, n) }
        try body(place, n, text[...])
    }

    /// Reads and validates every line of `url`: the good events, and the validator with the errors and counts.
    public static func readEvents(from url: URL) throws -> (events: [TelemetryEvent], validator: TelemetryValidator) {
        var validator = TelemetryValidator()
        var events: [TelemetryEvent] = []
        try forEachLine(in: url, nonUTF8: { validator.reject(file: $0, lineNumber: $1, "not UTF-8 text") }) { place, n, line in
            if let e = validator.check(line: line, lineNumber: n, file: place) { events.append(e) }
        }
        return (events, validator)
    }
}
