import FileFormats
import Foundation

/// `metrics.jsonl`: append-only, one `MetricRecord` per line, each written with one `write(2)`.
///
/// A crash leaves at most a torn last line, which readers skip. A resume first calls
/// `truncate(_:throughStep:)` so the log holds exactly the records up to the checkpoint it
/// resumes from, and the records the resumed run appends follow without gap or duplicate.
public final class MetricsLog {
    public let url: URL
    private let appender: JSONLinesAppender

    public init(url: URL) throws {
        self.url = url
        appender = try JSONLinesAppender(url: url)
    }

    /// Appends one record. Non-finite numbers are not valid JSON; the loop never logs them.
    public func append(_ record: MetricRecord) throws {
        try appender.append(record)
    }

    /// Flushes appended lines to disk (called before a checkpoint is published).
    public func sync() { appender.sync() }

    /// Every complete record of `url`, skipping a torn last line; an absent file is empty.
    public static func read(_ url: URL) throws -> [MetricRecord] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try JSONLines.decode(MetricRecord.self, from: url, tolerateTornLastLine: true)
    }

    /// Rewrites `url` (atomically) to hold only the records with `step <= step`, dropping a torn
    /// last line too. Returns how many records were dropped.
    @discardableResult
    public static func truncate(_ url: URL, throughStep step: Int) throws -> Int {
        guard FileManager.default.fileExists(atPath: url.path) else { return 0 }
        let data = try Data(contentsOf: url)
        let (complete, torn) = JSONLines.lines(data)
        let decoder = JSONDecoder()
        var kept = ""
        var dropped = torn == nil ? 0 : 1
        for (i, line) in complete.enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let record = try? decoder.decode(MetricRecord.self, from: Data(line.utf8)) else {
                throw InputError(file: url.path, line: i + 1, "not a metrics record")
            }
            if record.step <= step { kept += line + "\n" } else { dropped += 1 }
        }
        if dropped > 0 { try AtomicFile.write(kept, to: url) }
        return dropped
    }
}
