import ArgumentParser
import Corpus
import Foundation

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

    func run() throws {
        let r = ScrubLabelledSet.evaluate()
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
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("labelled set: \(positives) positives, \(lookalikes) look-alikes")
            print(String(format: "recall %.1f%% (%d missed)   false positives %.1f%% (%d flagged)",
                         r.recall * 100, r.missed.count, r.falsePositiveRate * 100, r.flagged.count))
            print(String(format: "speed %.1f MB/s over %.1f MB (rough on a shared machine)", mbPerSecond, Double(text.utf8.count) / 1e6))
        }
        if verbose || !json {
            for c in r.missed { printError("missed \(c.kind?.rawValue ?? "?"): \(c.text.debugDescription)") }
            for (c, out) in r.flagged { printError("flagged: \(c.text.debugDescription) -> \(out.debugDescription)") }
        }
    }
}
