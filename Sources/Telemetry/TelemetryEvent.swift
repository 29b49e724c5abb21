import Foundation

/// One completion event from an editor: what was shown at a cursor and what the developer did with it.
///
/// Stored as one JSON object per line (field names below in snake_case); see `Datasets/README.md`
/// and `Datasets/telemetry-event.schema.json`. Lengths and offsets count Unicode scalars (code points).
public struct TelemetryEvent: Codable, Equatable, Sendable {
    /// Unique within a file.
    public var id: String
    /// When the suggestion was shown, ISO 8601 in UTC (`2026-11-02T14:03:11.250Z`).
    public var time: String
    /// Pseudonymous editor session (a keyed hash after `data scrub`).
    public var session: String
    /// Pseudonymous user (a keyed hash after `data scrub`).
    public var user: String
    /// Language id as editors name it (`python`, `swift`, …).
    public var language: String
    /// File path relative to the repository root (never absolute, never `~`).
    public var path: String
    /// Text before the cursor.
    public var prefix: String
    /// Text after the cursor ("" when none was captured).
    public var suffix: String
    /// The completion shown.
    public var suggestion: String
    public var outcome: TelemetryOutcome
    /// Unicode scalars of `suggestion` kept; required for `partial` (1 ..< suggestion length).
    public var acceptedLength: Int?
    /// The inserted text as it stood after the developer's later edits, when known.
    public var edited: String?
    /// From the request to the suggestion being shown, in milliseconds.
    public var latencyMs: Double
    /// Which model produced the suggestion.
    public var model: String
    /// Set by `codetune data scrub`; training refuses events without it unless told otherwise.
    public var scrubbed: Bool?
    /// Where the event came from: absent for real telemetry, `simulated` or `exercise` for `synth-telemetry`.
    public var origin: String?

    public init(id: String, time: String, session: String, user: String, language: String, path: String,
                prefix: String, suffix: String, suggestion: String, outcome: TelemetryOutcome,
                acceptedLength: Int? = nil, edited: String? = nil, latencyMs: Double, model: String,
                scrubbed: Bool? = nil, origin: String? = nil) {
        self.id = id; self.time = time; self.session = session; self.user = user
        self.language = language; self.path = path; self.prefix = prefix; self.suffix = suffix
        self.suggestion = suggestion; self.outcome = outcome; self.acceptedLength = acceptedLength
        self.edited = edited; self.latencyMs = latencyMs; self.model = model
        self.scrubbed = scrubbed; self.origin = origin
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, time, session, user, language, path, prefix, suffix, suggestion, outcome
        case acceptedLength = "accepted_length", edited, latencyMs = "latency_ms", model, scrubbed, origin
    }

    /// The part of `suggestion` the developer took: all of it, the first `acceptedLength` scalars, or nothing.
    public var acceptedText: String {
        switch outcome {
        case .accepted: return suggestion
        case .rejected: return ""
        case .partial:
            let n = max(0, min(acceptedLength ?? 0, suggestion.unicodeScalars.count))
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: suggestion.unicodeScalars.prefix(n))
            return String(scalars)
        }
    }

    /// The text the developer kept: `edited` when known, else `acceptedText`. Empty for rejected events.
    public var keptText: String {
        if outcome == .rejected { return "" }
        return edited ?? acceptedText
    }
}

public enum TelemetryOutcome: String, Codable, CaseIterable, Sendable {
    case accepted, rejected, partial
}
