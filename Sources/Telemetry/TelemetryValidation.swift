import FileFormats
import Foundation

/// Checks telemetry lines against the event format and collects every problem with its line number.
///
/// A line is bad when it is not a JSON object, lacks a field, has a field of the wrong type, an unknown
/// field, an outcome other than accepted / rejected / partial, an `accepted_length` that does not fit the
/// outcome, a negative or non-finite latency, a time that is not ISO 8601, an absolute path, or an id seen
/// before in the same file.
public struct TelemetryValidator {
    public private(set) var errors: [InputError] = []
    public private(set) var goodLines = 0
    public private(set) var countsByOutcome: [TelemetryOutcome: Int] = [:]
    /// Keep at most this many errors (all are counted in `badLines`).
    public var maxKeptErrors = 1000
    public private(set) var badLines = 0
    private var seenIDs: [String: Int] = [:]
    private let decoder = JSONDecoder()

    public init() {}

    /// Validates one line (without its newline); returns the event when the line is good.
    /// `lineNumber` is 1-based; blank lines are skipped and return nil without an error.
    public mutating func check(line: Substring, lineNumber: Int, file: String) -> TelemetryEvent? {
        if line.allSatisfy(\.isWhitespace) { return nil }
        switch Self.parse(line, decoder: decoder) {
        case .failure(let problem):
            fail(InputError(file: file, line: lineNumber, problem.text))
            return nil
        case .success(let event):
            if let first = seenIDs[event.id] {
                fail(InputError(file: file, line: lineNumber, key: "id", "duplicate id \"\(event.id)\" (first on line \(first))"))
                return nil
            }
            seenIDs[event.id] = lineNumber
            goodLines += 1
            countsByOutcome[event.outcome, default: 0] += 1
            return event
        }
    }

    /// Counts line `lineNumber` of `file` as bad for `problem` (found before parsing, e.g. bytes that are not UTF-8).
    public mutating func reject(file: String, lineNumber: Int, _ problem: String) {
        fail(InputError(file: file, line: lineNumber, problem))
    }

    private mutating func fail(_ e: InputError) {
        badLines += 1
        if errors.count < maxKeptErrors { errors.append(e) }
    }

    static let knownKeys = Set(TelemetryEvent.CodingKeys.allCases.map(\.rawValue))
    static let requiredKeys = ["id", "time", "session", "user", "language", "path", "prefix", "suffix",
                               "suggestion", "outcome", "latency_ms", "model"]

    /// Parses and checks one line: the event, or one sentence saying what is wrong.
    public static func parse(_ line: Substring, decoder: JSONDecoder = JSONDecoder()) -> Result<TelemetryEvent, ProblemText> {
        let data = Data(line.utf8)
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return .failure(ProblemText("not valid JSON"))
        }
        guard let dict = object as? [String: Any] else { return .failure(ProblemText("not a JSON object")) }
        for key in dict.keys.sorted() where !knownKeys.contains(key) {
            let hint = closestMatch(to: key, in: knownKeys).map { " (did you mean \"\($0)\"?)" } ?? ""
            return .failure(ProblemText("\(key): unknown field\(hint)"))
        }
        for key in requiredKeys where dict[key] == nil || dict[key] is NSNull {
            return .failure(ProblemText("missing field \(key)"))
        }
        if let o = dict["outcome"] as? String, TelemetryOutcome(rawValue: o) == nil {
            return .failure(ProblemText("outcome: \"\(o)\" is not one of accepted, rejected, partial"))
        }
        let event: TelemetryEvent
        do { event = try decoder.decode(TelemetryEvent.self, from: data) } catch let e as DecodingError {
            return .failure(ProblemText(JSONLines.describe(e)))
        } catch { return .failure(ProblemText("cannot decode")) }
        if let problem = semanticProblem(event) { return .failure(ProblemText(problem)) }
        return .success(event)
    }

    /// The first rule `event` breaks beyond types, or nil.
    public static func semanticProblem(_ e: TelemetryEvent) -> String? {
        if e.id.isEmpty { return "id: empty" }
        if e.session.isEmpty { return "session: empty" }
        if e.user.isEmpty { return "user: empty" }
        if e.language.isEmpty { return "language: empty" }
        if e.model.isEmpty { return "model: empty" }
        if !isISO8601(e.time) { return "time: \"\(e.time)\" is not an ISO 8601 UTC time like 2026-11-02T14:03:11Z" }
        if e.path.isEmpty { return "path: empty" }
        if e.path.hasPrefix("/") || e.path.hasPrefix("~") || e.path.hasPrefix("\\") || hasDrive(e.path) {
            return "path: \"\(e.path)\" is absolute; paths are relative to the repository root"
        }
        if !e.latencyMs.isFinite || e.latencyMs < 0 { return "latency_ms: must be a finite number ≥ 0" }
        let n = e.suggestion.unicodeScalars.count
        switch e.outcome {
        case .partial:
            guard let k = e.acceptedLength else { return "accepted_length: required when outcome is partial" }
            if k < 1 || k >= n { return "accepted_length: \(k) must be between 1 and \(n - 1) (suggestion length \(n)) for a partial outcome" }
        case .accepted:
            if let k = e.acceptedLength, k != n { return "accepted_length: \(k) differs from the suggestion length \(n) of an accepted event" }
            if n == 0 { return "suggestion: empty for an accepted event" }
        case .rejected:
            if let k = e.acceptedLength, k != 0 { return "accepted_length: \(k) must be 0 or absent for a rejected event" }
        }
        return nil
    }

    static func hasDrive(_ p: String) -> Bool {
        let u = Array(p.utf8.prefix(3))
        return u.count >= 2 && ((u[0] | 0x20) >= 97 && (u[0] | 0x20) <= 122) && u[1] == 58
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z` or with a `±HH:MM` offset.
    static func isISO8601(_ s: String) -> Bool {
        let u = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= u.count && r.allSatisfy { u[$0] >= 48 && u[$0] <= 57 } }
        guard u.count >= 20, digits(0..<4), u[4] == 45, digits(5..<7), u[7] == 45, digits(8..<10),
              u[10] == 84 || u[10] == 116, digits(11..<13), u[13] == 58, digits(14..<16), u[16] == 58, digits(17..<19)
        else { return false }
        var i = 19
        if i < u.count, u[i] == 46 {
            i += 1
            let start = i
            while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
            if i == start { return false }
        }
        if i < u.count, u[i] == 90 || u[i] == 122 { return i + 1 == u.count }
        if i < u.count, u[i] == 43 || u[i] == 45 {
            return u.count == i + 6 && digits(i + 1..<i + 3) && u[i + 3] == 58 && digits(i + 4..<i + 6)
        }
        return false
    }
}

/// A one-sentence problem, as the failure of a `Result`.
public struct ProblemText: Error, Equatable, CustomStringConvertible {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var description: String { text }
}
