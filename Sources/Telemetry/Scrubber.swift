import FileFormats
import Foundation

/// Replaces secrets and personal data in text with typed placeholders (`<EMAIL>`, `<KEY>`, …) and
/// session / user ids with keyed hashes. See `Datasets/README.md` for the rules and what they miss.
///
/// The key for ids comes from the caller (an environment variable) or is random per run; it is never
/// written anywhere, so the same id maps to the same pseudonym within a run (or across runs sharing a key)
/// and cannot be reversed by anyone without the key.
public struct Scrubber: Sendable {
    public let idKey: Data

    /// Uses `idKey` for HMAC-SHA256 of ids; 32 random bytes when nil.
    public init(idKey: Data? = nil) {
        if let idKey, !idKey.isEmpty {
            self.idKey = idKey
        } else {
            var g = SystemRandomNumberGenerator()
            self.idKey = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &g) })
        }
    }

    /// Every span to replace in `bytes`, sorted and non-overlapping (overlaps merged, stronger kind wins).
    public static func spans(in bytes: [UInt8]) -> [ScrubSpan] {
        var raw: [ScrubSpan] = []
        SecretScanners.privateKeyBlocks(bytes, into: &raw)
        SecretScanners.prefixedTokens(bytes, into: &raw)
        SecretScanners.jwts(bytes, into: &raw)
        SecretScanners.urlAndConnectionStringPasswords(bytes, into: &raw)
        SecretAssignmentScanner.scan(bytes, into: &raw)
        PersonalDataScanners.emails(bytes, into: &raw)
        PersonalDataScanners.ipv4(bytes, into: &raw)
        PersonalDataScanners.ipv6(bytes, into: &raw)
        PersonalDataScanners.homeDirectoryUsers(bytes, into: &raw)
        return merge(raw)
    }

    static func merge(_ raw: [ScrubSpan]) -> [ScrubSpan] {
        let sorted = raw.sorted { ($0.start, -$0.end, $0.kind) < ($1.start, -$1.end, $1.kind) }
        var out: [ScrubSpan] = []
        for s in sorted where s.end > s.start {
            if var last = out.last, s.start < last.end {
                last.end = max(last.end, s.end)
                last.kind = min(last.kind, s.kind)
                out[out.count - 1] = last
            } else {
                out.append(s)
            }
        }
        return out
    }

    /// `text` with every span replaced by its placeholder, and how many of each kind.
    public static func scrub(_ text: String) -> (text: String, counts: [ScrubKind: Int]) {
        let r = scrub(segments: [text])
        return (r.segments[0], r.counts)
    }

    /// Scrubs several pieces that are adjacent in a document (prefix, suggestion, suffix) as one text, so
    /// a secret cut by the cursor is still found. A span's placeholder goes into the segment where the
    /// span starts; its bytes in later segments are removed.
    public static func scrub(segments: [String]) -> (segments: [String], counts: [ScrubKind: Int]) {
        let r = scrubCountingBySegment(segments)
        var counts: [ScrubKind: Int] = [:]
        for c in r.counts { for (k, v) in c { counts[k, default: 0] += v } }
        return (r.segments, counts)
    }

    /// As `scrub(segments:)`, with the spans counted by the segment they start in.
    static func scrubCountingBySegment(_ segments: [String]) -> (segments: [String], counts: [[ScrubKind: Int]]) {
        var bytes: [UInt8] = []
        var bounds: [Int] = [0]
        for s in segments { bytes.append(contentsOf: s.utf8); bounds.append(bytes.count) }
        let spans = spans(in: bytes)
        var counts = [[ScrubKind: Int]](repeating: [:], count: segments.count)
        if spans.isEmpty { return (segments, counts) }
        var out: [String] = []
        var si = 0
        for seg in 0..<segments.count {
            let lo = bounds[seg], hi = bounds[seg + 1]
            var piece: [UInt8] = []
            piece.reserveCapacity(hi - lo)
            var pos = lo
            while si < spans.count, spans[si].end <= lo { si += 1 }
            var k = si
            while pos < hi {
                if k < spans.count, spans[k].start < hi {
                    let s = spans[k]
                    if s.start > pos { piece.append(contentsOf: bytes[pos..<s.start]); pos = s.start }
                    if s.start >= lo {
                        piece.append(contentsOf: s.kind.placeholder.utf8)
                        counts[seg][s.kind, default: 0] += 1
                    }
                    pos = min(max(pos, s.end), hi)
                    if s.end <= hi { k += 1 }
                    else { break }
                } else {
                    piece.append(contentsOf: bytes[pos..<hi]); pos = hi
                }
            }
            out.append(String(decoding: piece, as: UTF8.self))
        }
        return (out, counts)
    }

    /// The keyed pseudonym of an id: `h-` and the first 24 hex digits of HMAC-SHA256(key, id).
    public func pseudonym(_ id: String) -> String {
        "h-" + SHA256Digest.keyedHex(id, key: idKey).prefix(24)
    }

    /// Scrubs every text field of `event` (prefix + suggestion + suffix as one document, edited text in its
    /// place, the path), recomputes `accepted_length` for partial events, replaces session and user with
    /// pseudonyms (unless `hashIDs` is false) and marks the event scrubbed.
    public func scrub(_ event: TelemetryEvent, hashIDs: Bool = true) -> (event: TelemetryEvent, counts: [ScrubKind: Int]) {
        var e = event
        var counts: [ScrubKind: Int] = [:]
        func add(_ c: [ScrubKind: Int]) { for (k, v) in c { counts[k, default: 0] += v } }
        let scalars = event.suggestion.unicodeScalars
        var split = scalars.endIndex
        if event.outcome == .partial, let k = event.acceptedLength {
            split = scalars.index(scalars.startIndex, offsetBy: max(0, min(k, scalars.count)))
        }
        let head = String(scalars[scalars.startIndex..<split]), tail = String(scalars[split...])
        let main = Self.scrub(segments: [event.prefix, head, tail, event.suffix])
        add(main.counts)
        e.prefix = main.segments[0]
        e.suggestion = main.segments[1] + main.segments[2]
        e.suffix = main.segments[3]
        if event.outcome == .partial {
            let kept = main.segments[1].unicodeScalars.count
            let total = e.suggestion.unicodeScalars.count
            // A partial event stays partial only while it keeps some but not all of the suggestion. When the
            // kept part was all inside a secret whose placeholder landed in the prefix, nothing kept is left to
            // learn from: the event becomes rejected. When the rest of the suggestion vanished into a placeholder
            // in the kept part, all that is left was kept: accepted.
            if kept == 0 { e.outcome = .rejected; e.acceptedLength = nil }
            else if kept >= total { e.outcome = .accepted; e.acceptedLength = nil }
            else { e.acceptedLength = kept }
        }
        if let edited = event.edited {
            let r = Self.scrubCountingBySegment([event.prefix, edited, event.suffix])
            e.edited = r.segments[1]
            add(r.counts[1])
        }
        let p = Self.scrub(event.path)
        e.path = p.text
        add(p.counts)
        if hashIDs {
            e.session = pseudonym(event.session)
            e.user = pseudonym(event.user)
        }
        e.scrubbed = true
        return (e, counts)
    }
}
