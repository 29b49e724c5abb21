import FileFormats
import Foundation

/// The runs under a runs directory (`RUNS/<name>/<run-id>/run.json`), and resolving the
/// `RUN` arguments of the command line to them.
public struct RunCatalog {
    public let runsDir: URL

    public init(runsDir: URL) { self.runsDir = runsDir.standardizedFileURL }

    /// Every run directory, oldest first (ids sort by time).
    public func runs() -> [RunDirectory] {
        let fm = FileManager.default
        var out: [RunDirectory] = []
        for name in (try? fm.contentsOfDirectory(atPath: runsDir.path)) ?? [] where !name.hasPrefix(".") {
            let nameDir = runsDir.appendingPathComponent(name)
            for id in (try? fm.contentsOfDirectory(atPath: nameDir.path)) ?? [] where !id.hasPrefix(".") {
                let dir = nameDir.appendingPathComponent(id)
                if RunDirectory.isRun(dir) { out.append(RunDirectory(url: dir)) }
            }
        }
        return out.sorted { ($0.url.lastPathComponent, $0.url.path) < ($1.url.lastPathComponent, $1.url.path) }
    }

    /// Resolves `reference`: a run directory path; a `RUNS/<name>` directory (its latest run);
    /// a run id or unique id prefix; or a run name or unique name prefix (its latest run). Throws an `InputError`
    /// naming the candidates when it matches none or several.
    public func resolve(_ reference: String) throws -> RunDirectory {
        let url = URL(fileURLWithPath: reference)
        if RunDirectory.isRun(url) { return RunDirectory(url: url) }
        let all = runs()
        if FileManager.default.fileExists(atPath: url.path) {
            let inside = all.filter { $0.url.deletingLastPathComponent().path == url.standardizedFileURL.path }
            if let latest = inside.last { return latest }
        }
        if let exact = all.first(where: { $0.url.lastPathComponent == reference }) { return exact }
        let byName = all.filter { $0.url.deletingLastPathComponent().lastPathComponent == reference }
        if let latest = byName.last { return latest }
        let byPrefix = all.filter { $0.url.lastPathComponent.hasPrefix(reference) }
        if byPrefix.count == 1 { return byPrefix[0] }
        if byPrefix.isEmpty {
            let names = Set(all.map { $0.url.deletingLastPathComponent().lastPathComponent }.filter { $0.hasPrefix(reference) })
            if names.count == 1, let latest = all.last(where: { names.contains($0.url.deletingLastPathComponent().lastPathComponent) }) {
                return latest
            }
            if names.count > 1 {
                throw InputError(key: reference, "ambiguous run name: matches \(names.sorted().joined(separator: ", "))")
            }
        }
        if byPrefix.count > 1 {
            let ids = byPrefix.prefix(5).map(\.url.lastPathComponent).joined(separator: ", ")
            throw InputError(key: reference, "ambiguous run: matches \(byPrefix.count) runs (\(ids)\(byPrefix.count > 5 ? ", ..." : ""))")
        }
        throw InputError(key: reference, "no such run under \(runsDir.path) (give a run directory, a run id or prefix, or a run name)")
    }
}
