import FileFormats
import Foundation

/// One case of the scrubber's labelled set: a snippet holding one secret or piece of personal data (with
/// the exact text that must disappear and its kind), or a look-alike from ordinary code that must come out
/// unchanged.
public struct ScrubCase: Sendable, Equatable {
    public let text: String
    /// The sensitive substring (nil for a look-alike).
    public let secret: String?
    public let kind: ScrubKind?
}

/// The labelled set for the scrubber, written for this project: `scrub-labelled-set.jsonl`, embedded in the
/// binary. One JSON object a line: `set` is `tuning` (the cases the scanners were tuned on) or `held_out`
/// (written after tuning and never tuned on: a fairer estimate, reported apart by `bench scrub`); a positive
/// has `kind` (a `ScrubKind` raw value) and `secret` (a substring of `text`), a look-alike has neither.
/// All keys in it are made up; none is live.
public enum ScrubLabelledSet {
    public static let positives = cases(heldOut: false, positive: true)
    public static let lookalikes = cases(heldOut: false, positive: false)
    public static let heldOutPositives = cases(heldOut: true, positive: true)
    public static let heldOutLookalikes = cases(heldOut: true, positive: false)

    /// Recall over positives (the secret is gone and a placeholder of the right kind is there) and
    /// false-positive rate over look-alikes (the text changed at all), with the failing cases.
    public static func evaluate(positives: [ScrubCase] = positives, lookalikes: [ScrubCase] = lookalikes)
        -> (recall: Double, falsePositiveRate: Double, missed: [ScrubCase], flagged: [(ScrubCase, String)]) {
        var missed: [ScrubCase] = []
        var flagged: [(ScrubCase, String)] = []
        for c in positives {
            let out = Scrubber.scrub(c.text).text
            if let s = c.secret, let k = c.kind, out.contains(s) || !out.contains(k.placeholder) { missed.append(c) }
        }
        for c in lookalikes {
            let out = Scrubber.scrub(c.text).text
            if out != c.text { flagged.append((c, out)) }
        }
        let recall = Double(positives.count - missed.count) / Double(positives.count)
        let fp = Double(flagged.count) / Double(lookalikes.count)
        return (recall, fp, missed, flagged)
    }

    /// One line of the file.
    struct Line: Decodable {
        var set: String
        var kind: String?
        var secret: String?
        var text: String
    }

    /// Every line in file order, read once. The file is built into the binary, so a malformed line is a
    /// build defect (the Telemetry tests read every case) and stops the program.
    static let lines: [Line] = {
        do {
            let lines = try JSONLines.decode(Line.self, data: Data(PackageResources.scrub_labelled_set_jsonl),
                                             file: "scrub-labelled-set.jsonl")
            for (i, line) in lines.enumerated() {
                let positive = line.kind.flatMap(ScrubKind.init(rawValue:)) != nil && line.secret.map(line.text.contains) == true
                guard ["tuning", "held_out"].contains(line.set), positive || (line.kind == nil && line.secret == nil) else {
                    throw InputError(file: "scrub-labelled-set.jsonl", line: i + 1, "not a positive or a look-alike")
                }
            }
            return lines
        } catch {
            preconditionFailure("the embedded labelled set is malformed: \(error)")
        }
    }()

    static func cases(heldOut: Bool, positive: Bool) -> [ScrubCase] {
        lines.filter { ($0.set == "held_out") == heldOut && ($0.kind != nil) == positive }
            .map { ScrubCase(text: $0.text, secret: $0.secret, kind: $0.kind.flatMap(ScrubKind.init(rawValue:))) }
    }
}
