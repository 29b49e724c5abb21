import Foundation
import SeededRandom

/// Simulates editor sessions over real code: a developer moves through a file, the editor suggests a
/// completion at natural cursor positions, and the developer accepts, edits, partly accepts or rejects it.
///
/// The true continuation comes from the file; accepted suggestions are that continuation (sometimes a
/// near miss the developer then edits back to the truth), partial ones are the truth followed by a wrong
/// tail, and rejected ones are plausible but wrong (truncated mid-token, another line of the file with
/// the same indentation, a repeat of the previous line, or the truth with an identifier swapped).
/// Deterministic for a seed and the same documents.
public struct EditorSessionSimulator {
    public struct Options: Sendable {
        public var sessions = 100
        public var eventsPerSession = 4...16
        public var users = 12
        /// Outcome mix: accepted as shown, accepted then edited, partially accepted; the rest rejected.
        public var acceptedRate = 0.22
        public var acceptedThenEditedRate = 0.07
        public var partialRate = 0.11
        /// Latency in ms: log-normal around `latencyMedianMs + latencyMsPerChar · length`.
        public var latencyMedianMs = 95.0
        public var latencyMsPerChar = 1.8
        public var latencySigma = 0.45
        public var maxPrefixBytes = 1500
        public var maxSuffixBytes = 400
        /// Fraction of events whose editor sent no suffix.
        public var noSuffixRate = 0.3
        public var model = "codetune-sim-1"
        /// Sessions start at random work hours over 30 days from this time (seconds since 1970, UTC).
        public var startEpoch = 1_790_000_000.0
        public init() {}
    }

    public let options: Options
    public init(options: Options = Options()) { self.options = options }

    /// Where in a file the cursor sits, and how far the true continuation runs (byte offsets).
    struct Cursor { var position: Int; var end: Int; var kind: Kind }
    enum Kind { case lineEnd, afterDef, insideBlock }

    /// The events of `options.sessions` sessions over `documents` (precondition: not empty), in time order per session.
    public func simulate(documents: [CodeDocument], seed: UInt64) -> [TelemetryEvent] {
        var rng = SplitMix64(seed: seed)
        let usable = documents.filter { $0.text.utf8.count >= 200 }
        guard !usable.isEmpty else { return [] }
        var events: [TelemetryEvent] = []
        let users = (0..<max(1, options.users)).map { _ in "sim-user-" + rng.hex(8) }
        for _ in 0..<options.sessions {
            let doc = rng.pick(usable)
            let bytes = Array(doc.text.utf8)
            let lines = lineStarts(bytes)
            let session = "sim-session-" + rng.hex(12)
            let user = rng.pick(users)
            var t = options.startEpoch + Double(rng.int(0..<30)) * 86_400 + Double(rng.int(8 * 3600..<18 * 3600))
            let wanted = rng.int(options.eventsPerSession.lowerBound..<(options.eventsPerSession.upperBound + 1))
            var cursors: [Cursor] = []
            for _ in 0..<(wanted * 3) where cursors.count < wanted {
                if let c = cursor(bytes, lines, &rng), !cursors.contains(where: { $0.position == c.position }) { cursors.append(c) }
            }
            cursors.sort { $0.position < $1.position }
            for c in cursors {
                t += 1 + rng.exponential(mean: 40)
                events.append(event(doc, bytes, lines, c, session: session, user: user, time: t, &rng))
            }
        }
        return events
    }

    func lineStarts(_ b: [UInt8]) -> [Int] {
        var starts = [0]
        for (i, c) in b.enumerated() where c == 10 && i + 1 < b.count { starts.append(i + 1) }
        return starts
    }

    func lineEnd(_ b: [UInt8], from i: Int) -> Int {
        var j = i
        while j < b.count, b[j] != 10 { j += 1 }
        return j
    }

    func indentEnd(_ b: [UInt8], _ start: Int) -> Int {
        var j = start
        while j < b.count, b[j] == 32 || b[j] == 9 { j += 1 }
        return j
    }

    func isBlank(_ b: [UInt8], _ r: Range<Int>) -> Bool { r.allSatisfy { Byte.isSpace(b[$0]) } }

    /// A cursor at a natural point: the end of a line (continuation: the next 1–2 lines), the start of a
    /// function body after a `def` line (continuation: up to 4 body lines), or after an opening token inside
    /// an indented line (continuation: the rest of the line). Nil when the spot is blank or too long.
    func cursor(_ b: [UInt8], _ lines: [Int], _ rng: inout SplitMix64) -> Cursor? {
        guard lines.count > 3 else { return nil }
        let li = rng.int(1..<(lines.count - 2))
        let start = lines[li], end = lineEnd(b, from: start)
        let roll = rng.unit()
        var c: Cursor?
        if roll < 0.4 {
            // end of line li: continuation is "\n" + the next one or two lines
            guard !isBlank(b, start..<end) else { return nil }
            let n = rng.chance(0.6) ? 1 : 2
            var e = end
            for _ in 0..<n where e < b.count { e = lineEnd(b, from: e + 1) }
            c = Cursor(position: end, end: e, kind: .lineEnd)
        } else if roll < 0.7 {
            // the nearest def line at or after li: cursor at the body's indentation
            var k = li
            while k < lines.count - 1 {
                let s = indentEnd(b, lines[k])
                if b.matches("def ", at: s) || b.matches("async def ", at: s) {
                    let defEnd = lineEnd(b, from: s)
                    guard defEnd > s, b[defEnd - 1] == 58, k + 1 < lines.count else { return nil }
                    let body = indentEnd(b, lines[k + 1])
                    var e = lineEnd(b, from: body)
                    let more = rng.int(0..<4)
                    for _ in 0..<more where e + 1 < b.count && indentEnd(b, e + 1) - (e + 1) >= body - lines[k + 1] { e = lineEnd(b, from: e + 1) }
                    c = Cursor(position: body, end: e, kind: .afterDef)
                    break
                }
                k += 1
                if k - li > 60 { return nil }
            }
        } else {
            // inside an indented line, after `(`, `=`, `.`, `return ` or `, `
            let s = indentEnd(b, start)
            guard s > start, end - s > 8 else { return nil }
            var spots: [Int] = []
            var i = s + 1
            while i < end - 2 {
                let ch = b[i - 1]
                if ch == 40 || ch == 46 || ch == 91 || (ch == 32 && (b[i - 2] == 61 || b[i - 2] == 44)) { spots.append(i) }
                i += 1
            }
            if b.matches("return ", at: s) { spots.append(s + 7) }
            guard !spots.isEmpty else { return nil }
            c = Cursor(position: rng.pick(spots), end: end, kind: .insideBlock)
        }
        guard let c, c.end > c.position, c.end - c.position <= 320, !isBlank(b, c.position..<c.end) else { return nil }
        return c
    }

    func text(_ b: [UInt8], _ r: Range<Int>) -> String { String(decoding: b[r], as: UTF8.self) }

    func event(_ doc: CodeDocument, _ b: [UInt8], _ lines: [Int], _ c: Cursor, session: String, user: String,
               time: Double, _ rng: inout SplitMix64) -> TelemetryEvent {
        var prefixStart = max(0, c.position - options.maxPrefixBytes)
        if prefixStart > 0 { while prefixStart < c.position, b[prefixStart - 1] != 10 { prefixStart += 1 } }
        var suffixEnd = min(b.count, c.end + options.maxSuffixBytes)
        if suffixEnd < b.count { while suffixEnd > c.end, b[suffixEnd - 1] != 10 { suffixEnd -= 1 } }
        let prefix = text(b, prefixStart..<c.position)
        let truth = text(b, c.position..<c.end)
        let suffix = rng.chance(options.noSuffixRate) ? "" : text(b, c.end..<suffixEnd)

        var outcome = TelemetryOutcome.rejected
        var suggestion = truth
        var acceptedLength: Int?
        var edited: String?
        let roll = rng.unit()
        let o = options
        if roll < o.acceptedRate {
            outcome = .accepted
            if rng.chance(0.4) { edited = truth }
        } else if roll < o.acceptedRate + o.acceptedThenEditedRate, let near = swapIdentifier(truth, doc.text, &rng) {
            outcome = .accepted
            suggestion = near
            edited = truth
        } else if roll < o.acceptedRate + o.acceptedThenEditedRate + o.partialRate,
                  let tail = wrongLine(b, lines, like: c, truth: truth, &rng) {
            outcome = .partial
            suggestion = truth + (truth.hasSuffix("\n") ? "" : "\n") + tail
            acceptedLength = truth.unicodeScalars.count
            if rng.chance(0.3) { edited = truth }
        } else {
            suggestion = plausibleWrong(b, lines, c, truth: truth, doc.text, &rng)
        }
        let latency = min(8000, rng.logNormal(median: o.latencyMedianMs + o.latencyMsPerChar * Double(suggestion.utf8.count),
                                              sigma: o.latencySigma))
        return TelemetryEvent(
            id: "sim-" + rng.hex(16), time: Self.iso8601(time), session: session, user: user, language: "python",
            path: doc.path, prefix: prefix, suffix: suffix, suggestion: suggestion, outcome: outcome,
            acceptedLength: acceptedLength, edited: edited, latencyMs: (latency * 10).rounded() / 10,
            model: o.model, origin: "simulated")
    }

    /// A wrong suggestion different from `truth`: cut mid-token, another line of the file at the same
    /// indentation, the previous line again, or the truth with an identifier swapped.
    func plausibleWrong(_ b: [UInt8], _ lines: [Int], _ c: Cursor, truth: String, _ doc: String,
                        _ rng: inout SplitMix64) -> String {
        for _ in 0..<4 {
            let r = rng.unit()
            var s: String?
            if r < 0.3 {
                let u = Array(truth.utf8)
                if u.count > 6 {
                    var cut = rng.int((u.count / 3)..<(u.count * 3 / 4 + 1))
                    while cut > 1, u[cut] >= 0x80 && u[cut] < 0xC0 { cut -= 1 }
                    s = String(decoding: u[..<cut], as: UTF8.self)
                }
            } else if r < 0.65 {
                s = wrongLine(b, lines, like: c, truth: truth, &rng).map { c.kind == .lineEnd ? "\n" + $0 : $0.trimmingLeadingSpaces() }
            } else if r < 0.8 {
                // the line before the cursor, again
                var ls = c.position
                while ls > 0, b[ls - 1] != 10 { ls -= 1 }
                if ls > 0 {
                    var ps = ls - 1
                    while ps > 0, b[ps - 1] != 10 { ps -= 1 }
                    let prev = text(b, ps..<(ls - 1))
                    s = c.kind == .lineEnd ? "\n" + prev : prev.trimmingLeadingSpaces()
                }
            } else {
                s = swapIdentifier(truth, doc, &rng)
            }
            if let s, !s.isEmpty, s != truth, !s.allSatisfy(\.isWhitespace) { return s }
        }
        return truth.hasSuffix(")") ? String(truth.dropLast()) + ", None)" : truth + " + 1"
    }

    /// Another non-blank line of the file with the cursor line's indentation (without its newline).
    func wrongLine(_ b: [UInt8], _ lines: [Int], like c: Cursor, truth: String, _ rng: inout SplitMix64) -> String? {
        var ls = c.position
        while ls > 0, b[ls - 1] != 10 { ls -= 1 }
        let indent = indentEnd(b, ls) - ls
        for _ in 0..<12 {
            let k = rng.int(0..<lines.count)
            let s = lines[k], e = lineEnd(b, from: s)
            guard indentEnd(b, s) - s == indent, e - s > indent + 3, e - s < 160 else { continue }
            let line = text(b, s..<e)
            if !truth.contains(line) { return line }
        }
        return nil
    }

    /// `truth` with one identifier replaced by a different identifier of the same file.
    func swapIdentifier(_ truth: String, _ doc: String, _ rng: inout SplitMix64) -> String? {
        let words = identifiers(truth)
        guard !words.isEmpty else { return nil }
        let target = rng.pick(words)
        let pool = identifiers(String(doc.prefix(20_000))).filter { $0 != target && $0.count >= 3 }
        guard !pool.isEmpty else { return nil }
        let replacement = rng.pick(pool)
        guard let range = truth.range(of: target) else { return nil }
        return truth.replacingCharacters(in: range, with: replacement)
    }

    static let keywords: Set<String> = ["def", "return", "if", "else", "elif", "for", "while", "in", "not", "and", "or",
                                        "is", "None", "True", "False", "import", "from", "class", "self", "with", "as",
                                        "try", "except", "finally", "raise", "pass", "break", "continue", "lambda", "yield"]

    func identifiers(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in s.unicodeScalars {
            if ch.properties.isAlphabetic || ch == "_" || (!cur.isEmpty && ch.properties.numericType != nil) { cur.unicodeScalars.append(ch) }
            else { if cur.count >= 2, !Self.keywords.contains(cur) { out.append(cur) }; cur = "" }
        }
        if cur.count >= 2, !Self.keywords.contains(cur) { out.append(cur) }
        return out
    }

    /// `seconds` since 1970 as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func iso8601(_ seconds: Double) -> String {
        let ms = Int((seconds * 1000).rounded())
        var t = time_t(ms / 1000)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
                      Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec), ms % 1000)
    }
}

extension String {
    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " || $0 == "\t" }) }
}
