import ArgumentParser
import Foundation
import Telemetry

/// `codetune bench scrub`: the scrubber's recall and false-positive rate on the project's labelled set,
/// and its speed on that text (rough when the machine is shared).
struct BenchScrub: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrub",
        abstract: "Measure the telemetry scrubber: recall on secrets, false positives on ordinary code, MB/s.")

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @Flag(help: "List the missed positives and flagged look-alikes.")
    var verbose = false

    @Option(help: "Also scrub every .py file under this directory and list what was replaced, for review.")
    var code: String?

    @Option(help: "With --code: list at most this many replacements.")
    var show = 60

    func run() throws {
        if let code { try review(URL(fileURLWithPath: code)) }
        let r = ScrubLabelledSet.evaluate()
        let h = ScrubLabelledSet.evaluate(positives: ScrubLabelledSet.heldOutPositives, lookalikes: ScrubLabelledSet.heldOutLookalikes)
        // Throughput over the whole labelled set, repeated to about 4 MB.
        let corpus = (ScrubLabelledSet.positives + ScrubLabelledSet.lookalikes).map(\.text).joined()
        let reps = max(1, (4 << 20) / max(1, corpus.utf8.count))
        let text = String(repeating: corpus, count: reps)
        let start = DispatchTime.now().uptimeNanoseconds
        let (_, counts) = Scrubber.scrub(text)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let mbPerSecond = Double(text.utf8.count) / 1e6 / seconds
        let positives = ScrubLabelledSet.positives.count, lookalikes = ScrubLabelledSet.lookalikes.count
        if json {
            let object: [String: Any] = [
                "positives": positives, "lookalikes": lookalikes,
                "recall": r.recall, "false_positive_rate": r.falsePositiveRate,
                "missed": r.missed.count, "flagged": r.flagged.count,
                "mb_per_s": mbPerSecond, "spans": counts.values.reduce(0, +),
                "held_out": ["positives": ScrubLabelledSet.heldOutPositives.count, "lookalikes": ScrubLabelledSet.heldOutLookalikes.count,
                             "recall": h.recall, "false_positive_rate": h.falsePositiveRate],
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("labelled set: \(positives) positives, \(lookalikes) look-alikes")
            print(String(format: "recall %.1f%% (%d missed)   false positives %.1f%% (%d flagged)",
                         r.recall * 100, r.missed.count, r.falsePositiveRate * 100, r.flagged.count))
            print(String(format: "held out (written after tuning, %d + %d): recall %.1f%%, false positives %.1f%%",
                         ScrubLabelledSet.heldOutPositives.count, ScrubLabelledSet.heldOutLookalikes.count,
                         h.recall * 100, h.falsePositiveRate * 100))
            print(String(format: "speed %.1f MB/s over %.1f MB (rough on a shared machine)", mbPerSecond, Double(text.utf8.count) / 1e6))
        }
        if verbose || !json {
            for c in r.missed { printError("missed \(c.kind?.rawValue ?? "?"): \(c.text.debugDescription)") }
            for (c, out) in r.flagged { printError("flagged: \(c.text.debugDescription) -> \(out.debugDescription)") }
            for c in h.missed { printError("held out, missed \(c.kind?.rawValue ?? "?"): \(c.text.debugDescription)") }
            for (c, out) in h.flagged { printError("held out, flagged: \(c.text.debugDescription) -> \(out.debugDescription)") }
        }
    }

    /// Scrubs ordinary code and prints each replaced span with its line, so a person can count false positives;
    /// on stderr with `--json`, so stdout stays one object.
    func review(_ root: URL) throws {
        let print: (String) -> Void = json ? { printError($0) } : { Swift.print($0) }
        let docs = try CodeDocuments.load(from: root)
        var counts: [ScrubKind: Int] = [:]
        var files = 0, shown = 0, bytes = 0
        for d in docs {
            let b = Array(d.text.utf8)
            bytes += b.count
            let spans = Scrubber.spans(in: b)
            if !spans.isEmpty { files += 1 }
            for s in spans {
                counts[s.kind, default: 0] += 1
                guard shown < show else { continue }
                shown += 1
                var ls = s.start, le = s.end
                while ls > 0, b[ls - 1] != 10, s.start - ls < 80 { ls -= 1 }
                while le < b.count, b[le] != 10, le - s.end < 40 { le += 1 }
                let line = String(decoding: b[ls..<s.start], as: UTF8.self) + "[[" + String(decoding: b[s.start..<s.end], as: UTF8.self) + "]]"
                    + String(decoding: b[s.end..<le], as: UTF8.self)
                print("\(s.kind.placeholder) \(d.path): \(line.replacingOccurrences(of: "\n", with: "⏎"))")
            }
        }
        print("code review: \(docs.count) files, \(String(format: "%.1f", Double(bytes) / 1e6)) MB, \(files) files with replacements; "
              + ScrubKind.allCases.map { "\($0.placeholder) \(counts[$0] ?? 0)" }.joined(separator: ", "))
    }
}
