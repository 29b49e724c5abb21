import ArgumentParser
import FileFormats
import Foundation
import Telemetry

/// `codetune data scrub IN OUT`: anonymizes telemetry before anything trains on it.
struct DataScrub: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrub",
        abstract: "Replace secrets and personal data in telemetry with typed placeholders and hash session / user ids.",
        discussion: """
        IN may be plain, compressed or an archive; OUT is plain JSON lines, written whole or not at all.
        Ids are hashed with HMAC-SHA256 under the key in $CODETUNE_SCRUB_KEY (or --key-env), or under a random
        key for this run only; the key is never written. Bad lines are dropped and listed (--strict: exit 2).
        """)

    @Argument(help: "Telemetry to scrub.") var input: String
    @Argument(help: "Where to write the scrubbed JSON lines.") var output: String

    @Option(help: "Environment variable holding the id-hashing key.")
    var keyEnv = "CODETUNE_SCRUB_KEY"

    @Flag(help: "Exit 2 without writing when any input line is bad.")
    var strict = false

    @Flag(help: "Print the summary as one JSON object on stdout.")
    var json = false

    func run() throws {
        let key = ProcessInfo.processInfo.environment[keyEnv].flatMap { $0.isEmpty ? nil : Data($0.utf8) }
        let s = try TelemetryScrubbing.scrubFile(URL(fileURLWithPath: input), to: URL(fileURLWithPath: output),
                                                 scrubber: Scrubber(idKey: key), strict: strict)
        for e in s.errors { printError(e.description) }
        if json {
            var o: [String: Any] = ["events": s.events, "bad_lines": s.badLines, "random_key": key == nil]
            o["replacements"] = Dictionary(uniqueKeysWithValues: ScrubKind.allCases.map { ($0.rawValue, s.replacements[$0] ?? 0) })
            print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("\(output): \(s.events) events scrubbed, \(s.badLines) bad lines dropped")
            print("replaced: " + ScrubKind.allCases.map { "\($0.placeholder) \(s.replacements[$0] ?? 0)" }.joined(separator: ", "))
            if key == nil { printError("note: ids hashed with a random key for this run; set \(keyEnv) to keep pseudonyms stable across runs") }
        }
    }
}
