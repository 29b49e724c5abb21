import Foundation

/// JSON lines files: one JSON value per line.
public enum JSONLines {
    /// Splits `data` into lines (without the newline; a `\r` before it, as in CRLF files, is dropped too).
    /// A last line without a trailing newline is reported separately as `torn` so append-only logs can
    /// ignore a line cut by a crash. Bytes that are not UTF-8 read as U+FFFD (see `firstNonUTF8Line`).
    public static func lines(_ data: Data) -> (complete: [Substring], torn: Substring?) {
        // Split on bytes: in a String, "\r\n" is one Character and would not split on "\n".
        var parts = data.split(separator: 10, omittingEmptySubsequences: false).map { bytes -> Substring in
            let line = bytes.last == 13 ? bytes.dropLast() : bytes
            return String(decoding: line, as: UTF8.self)[...]
        }
        var torn: Substring?
        if let last = parts.last {
            parts.removeLast()
            if !last.isEmpty { torn = last }
        }
        return (parts, torn)
    }

    /// The 1-based number of the first line of `data` holding bytes that are not UTF-8, nil when all are.
    public static func firstNonUTF8Line(_ data: Data) -> Int? {
        if String(validating: data, as: UTF8.self) != nil { return nil }
        for (i, bytes) in data.split(separator: 10, omittingEmptySubsequences: false).enumerated()
        where String(validating: bytes, as: UTF8.self) == nil {
            return i + 1
        }
        return nil
    }

    /// 1-based numbers of the non-blank lines of `data` (a torn last line included), in order: the file
    /// line of each value `decode` returns.
    public static func nonBlankLineNumbers(_ data: Data) -> [Int] {
        let (complete, torn) = lines(data)
        return (complete + (torn.map { [$0] } ?? [])).enumerated()
            .filter { !$0.element.allSatisfy(\.isWhitespace) }.map { $0.offset + 1 }
    }

    /// Decodes every non-empty line of `url` as `T`. A malformed line throws an `InputError`
    /// naming the file and line number; with `tolerateTornLastLine` an undecodable last line
    /// without a newline is dropped instead.
    public static func decode<T: Decodable>(_ type: T.Type, from url: URL, tolerateTornLastLine: Bool = false) throws -> [T] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError.cannotRead(url, error)
        }
        return try decode(type, data: data, file: url.path, tolerateTornLastLine: tolerateTornLastLine)
    }

    public static func decode<T: Decodable>(_ type: T.Type, data: Data, file: String, tolerateTornLastLine: Bool = false) throws -> [T] {
        if let bad = firstNonUTF8Line(data) { throw InputError(file: file, line: bad, "not UTF-8 text") }
        let (complete, torn) = lines(data)
        let decoder = JSONDecoder()
        var out: [T] = []
        out.reserveCapacity(complete.count)
        for (i, line) in complete.enumerated() where !line.allSatisfy(\.isWhitespace) {
            out.append(try decodeLine(type, line, decoder: decoder, file: file, line: i + 1))
        }
        if let torn, !torn.allSatisfy(\.isWhitespace) {
            do {
                out.append(try decodeLine(type, torn, decoder: decoder, file: file, line: complete.count + 1))
            } catch where tolerateTornLastLine {
                // A line cut short by a crash: not part of the record.
            }
        }
        return out
    }

    static func decodeLine<T: Decodable>(_ type: T.Type, _ line: Substring, decoder: JSONDecoder, file: String, line number: Int) throws -> T {
        do {
            return try decoder.decode(type, from: Data(line.utf8))
        } catch let error as DecodingError {
            throw InputError(file: file, line: number, describe(error))
        } catch {
            throw InputError(file: file, line: number, "not valid JSON")
        }
    }

    /// One short sentence for a `DecodingError`, naming the key path.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ p: [CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let prefix = path(ctx.codingPath)
            return "missing field \(prefix.isEmpty ? "" : prefix + ".")\(key.stringValue)"
        case .typeMismatch(let type, let ctx):
            let p = path(ctx.codingPath)
            return (p.isEmpty ? "" : p + ": ") + "expected \(kindOfValue(type))"
        case .valueNotFound(let type, let ctx):
            let p = path(ctx.codingPath)
            return (p.isEmpty ? "" : p + ": ") + "expected \(kindOfValue(type)), found null"
        case .dataCorrupted(let ctx):
            let p = path(ctx.codingPath)
            return p.isEmpty ? "not valid JSON" : "\(p): not a valid value"
        @unknown default:
            return "cannot decode"
        }
    }

    /// The JSON kind a decoded Swift type stands for, in words ("a number", "text", "an object"), so no
    /// Swift type name reaches a user.
    public static func kindOfValue(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if ["Int", "Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "UInt8", "Int8", "UInt", "Decimal"].contains(name) { return "a number" }
        if name == "String" || name == "Substring" { return "text" }
        if name == "Bool" { return "true or false" }
        if name.hasPrefix("Array") || name.hasPrefix("[") && !name.contains(":") { return "a list" }
        return "an object"
    }

    /// Encodes `value` as one compact JSON line (sorted keys, no trailing newline).
    public static func encodeLine<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Appends lines to a file, each written with one `write(2)` so a crash leaves at most a torn last line.
public final class JSONLinesAppender {
    private let fd: Int32
    public let url: URL

    public init(url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw InputError(file: url.path, "cannot open for appending: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    public func append<T: Encodable>(_ value: T) throws {
        try appendRaw(try JSONLines.encodeLine(value))
    }

    /// Appends `line` (no newline inside) plus a newline.
    public func appendRaw(_ line: String) throws {
        var bytes = Array(line.utf8)
        bytes.append(10)
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        if n != bytes.count { throw InputError(file: url.path, "short write while appending") }
    }

    public func sync() { fsync(fd) }
}
