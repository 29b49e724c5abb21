import FileFormats
import Foundation
import Problems

/// Scanning datasets for eval problems' n-grams, and the check training calls. Problems come from
/// `EvalProblemText.load(suiteOrProblems:)` (the Problems target: one reader of suites and problems files).
public enum Decontamination {
    /// Feeds every training text of `dataset` to `index`: a dataset recipe (`.yaml`, see `scanRecipe`),
    /// telemetry JSON lines (each event's prefix, suggestion, edited text and suffix, as one text), other JSON
    /// lines (their `text` / `content` fields), or a directory / single file of source text (each file whole).
    /// `cacheDirectory`: where a recipe's prepared dataset is looked for (default: `cache/` beside it).
    public static func scanDataset(_ dataset: URL, cacheDirectory: URL? = nil, into index: inout ContaminationIndex) throws {
        if ["yaml", "yml"].contains(dataset.pathExtension.lowercased()) {
            try scanRecipe(dataset, cacheDirectory: cacheDirectory, into: &index)
            return
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataset.path, isDirectory: &isDir) else {
            throw InputError(file: dataset.path, "no such file or directory")
        }
        if isDir.boolValue {
            let walker = FileManager.default.enumerator(at: dataset, includingPropertiesForKeys: [.isRegularFileKey])
            var files: [URL] = []
            while let u = walker?.nextObject() as? URL {
                if (try? u.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { files.append(u) }
            }
            for f in files.sorted(by: { $0.path < $1.path }) { try scanFile(f, into: &index) }
        } else {
            try scanFile(dataset, into: &index)
        }
    }

    static func scanFile(_ url: URL, into index: inout ContaminationIndex) throws {
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".jsonl") || name.hasSuffix(".jsonl.gz") || name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl.zst") || name.hasSuffix(".jsonl.xz") {
            try TelemetryLineReader.forEachLine(in: url) { place, n, line in
                if line.allSatisfy(\.isWhitespace) { return }
                // A line that cannot be read cannot be cleared: it fails the scan rather than pass unseen.
                guard let obj = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                    throw InputError(file: place, line: n, "not a JSON object; a line that cannot be read cannot be checked for contamination")
                }
                if let prefix = obj["prefix"] as? String {
                    let parts = [prefix, obj["suggestion"] as? String ?? "", obj["edited"] as? String ?? "", obj["suffix"] as? String ?? ""]
                    index.scan(parts[0] + parts[1] + parts[3], place: "\(place):\(n)")
                    if !parts[2].isEmpty { index.scan(parts[0] + parts[2] + parts[3], place: "\(place):\(n)") }
                } else if let prompt = obj["prompt"] as? String {   // problems files (exercises, mined functions)
                    index.scan(prompt + (obj["canonical_solution"] as? String ?? "") + (obj["completion"] as? String ?? ""), place: "\(place):\(n)")
                } else {
                    for key in ["text", "content", "completion"] { if let t = obj[key] as? String { index.scan(t, place: "\(place):\(n)") } }
                }
            }
            return
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw InputError.cannotRead(url, error) }
        guard let text = String(data: data, encoding: .utf8) else { return }   // binary files hold no training text
        index.scan(text, place: url.path)
    }

    /// The overlap report of `dataset` against every suite (or problems file) in `suites`.
    public static func report(dataset: URL, suites: [URL], n: Int = 13, cacheDirectory: URL? = nil) throws -> [ProblemOverlap] {
        var problems: [EvalProblemText] = []
        for s in suites { problems += try EvalProblemText.load(suiteOrProblems: s) }
        var index = ContaminationIndex(problems: problems, n: n)
        try scanDataset(dataset, cacheDirectory: cacheDirectory, into: &index)
        return index.overlaps
    }

    /// For training: throws an `InputError` naming the contaminated problems unless `allowContaminated`.
    /// Returns the report either way.
    @discardableResult
    public static func requireClean(dataset: URL, suites: [URL], n: Int = 13, allowContaminated: Bool = false) throws -> [ProblemOverlap] {
        let overlaps = try report(dataset: dataset, suites: suites, n: n)
        let bad = overlaps.filter(\.contaminated)
        if !bad.isEmpty, !allowContaminated {
            let names = bad.prefix(5).map(\.taskID).joined(separator: ", ") + (bad.count > 5 ? ", …" : "")
            throw InputError(file: dataset.path, "contaminated: \(bad.count) eval problem(s) share \(n)-grams with the training text (\(names)); set allow_contaminated: true in the stage to train anyway")
        }
        return overlaps
    }
}
