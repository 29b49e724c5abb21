import FileFormats
import Foundation

/// The concrete inputs of a recipe, found without reading any content: files with their
/// sizes and modification times, and archives. Its `identity` (paths + sizes + mtimes, not
/// content hashes) is part of the dataset's cache key.
public struct SourcePlan: Sendable {
    public enum Item: Sendable, Equatable {
        case file(FoundFile)
        case archive(FoundFile)
        /// A problems file: one document per problem (`SourceSpec.Kind.problems`).
        case problems(FoundFile)
    }

    /// One resolved source of the recipe, in recipe order.
    public struct Source: Sendable {
        /// `directory`, `file`, `archive`, `python_stdlib` or `problems`.
        public var kind: String
        /// The resolved root (directory, file, archive pattern, standard library directory).
        public var root: String
        /// For `python_stdlib`: the interpreter's version.
        public var detail: String?
        /// Patterns that apply inside this source (its own, then the recipe's).
        public var selection: PathSelection
        public var items: [Item]
    }

    public var sources: [Source]
    /// Problems found while walking (loops, broken links, unreadable directories).
    public var issues: [SourceIssue]

    /// One line per input: `kind<TAB>path<TAB>size<TAB>mtime_ns`, sources in order.
    public var identity: [String] {
        var lines: [String] = []
        for (i, s) in sources.enumerated() {
            lines.append("source\t\(i)\t\(s.kind)\t\(s.root)\t\(s.detail ?? "")")
            for item in s.items {
                switch item {
                case .file(let f): lines.append("file\t\(f.path)\t\(f.relativePath)\t\(f.size)\t\(f.modified)")
                case .archive(let f): lines.append("archive\t\(f.path)\t\(f.size)\t\(f.modified)")
                case .problems(let f): lines.append("problems\t\(f.path)\t\(f.size)\t\(f.modified)")
                }
            }
        }
        for issue in issues { lines.append("issue\t\(issue.kind.rawValue)\t\(issue.file)") }
        return lines
    }

    /// Resolves every source of `recipe`. A source that does not exist is an input error
    /// (all of them reported at once); problems inside a source are issues.
    public static func make(_ recipe: DatasetRecipe) throws -> SourcePlan {
        let log = SourceIssueLog()
        var errors: [InputError] = []
        var sources: [Source] = []
        let wantsExtension = { (path: String) -> Bool in
            recipe.languages[fileExtension(path)] != nil
        }
        for (index, spec) in recipe.sources.enumerated() {
            let key = "sources[\(index)]"
            let selection = PathSelection(include: spec.selection.include + recipe.selection.include,
                                          exclude: spec.selection.exclude + recipe.selection.exclude)
            switch spec.kind {
            case .directory(let url):
                guard isDirectory(url.path) else {
                    errors.append(InputError(file: recipe.file.path, key: key, "directory \(url.path) does not exist")); continue
                }
                let walker = DirectoryWalker(selection: selection, wants: { wantsExtension($0) && selection.selects($0) }, issues: log)
                sources.append(Source(kind: "directory", root: url.path, selection: selection, items: walker.walk(url.path).map { .file($0) }))
            case .pythonStdlib(let python, let excludeTests):
                let located: (directory: URL, version: String)
                do { located = try PythonStdlib.locate(python: python) } catch let e as InputError {
                    errors.append(InputError(file: recipe.file.path, key: key, e.problem)); continue
                }
                var stdlibSelection = selection
                stdlibSelection.exclude += PythonStdlib.alwaysExcluded.map(Glob.init)
                if excludeTests { stdlibSelection.exclude += SourceSpec.pythonTestExcludes.map(Glob.init) }
                let sel = stdlibSelection
                let walker = DirectoryWalker(selection: sel, wants: { wantsExtension($0) && sel.selects($0) }, issues: log)
                sources.append(Source(kind: "python_stdlib", root: located.directory.path, detail: "python \(located.version)",
                                      selection: sel, items: walker.walk(located.directory.path).map { .file($0) }))
            case .file(let url):
                guard let found = foundFile(url.path, relative: url.lastPathComponent) else {
                    errors.append(InputError(file: recipe.file.path, key: key, "file \(url.path) does not exist")); continue
                }
                sources.append(Source(kind: "file", root: url.path, selection: selection, items: [.file(found)]))
            case .archive(let url):
                let matches = archivesMatching(url)
                if matches.isEmpty {
                    errors.append(InputError(file: recipe.file.path, key: key, "no archive matches \(url.path)")); continue
                }
                sources.append(Source(kind: "archive", root: url.path, selection: selection, items: matches.map { .archive($0) }))
            case .problems(let url):
                guard let found = foundFile(url.path, relative: url.lastPathComponent) else {
                    errors.append(InputError(file: recipe.file.path, key: key, "problems file \(url.path) does not exist")); continue
                }
                sources.append(Source(kind: "problems", root: url.path, selection: PathSelection(), items: [.problems(found)]))
            }
        }
        if !errors.isEmpty { throw InputErrors(errors) }
        return SourcePlan(sources: sources, issues: log.issues)
    }

    /// Archives named by `url`, whose last component may be a glob (`*.tar.gz`), sorted.
    static func archivesMatching(_ url: URL) -> [FoundFile] {
        let name = url.lastPathComponent
        if !name.contains(where: { "*?[".contains($0) }) {
            return foundFile(url.path, relative: name).map { [$0] } ?? []
        }
        let dir = url.deletingLastPathComponent().path
        let pattern = Glob(name)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.sorted().filter { pattern.matches($0) }.compactMap { foundFile(dir + "/" + $0, relative: $0) }
    }

    static func foundFile(_ path: String, relative: String) -> FoundFile? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        let nanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        return FoundFile(path: path, relativePath: relative, size: Int(st.st_size), modified: nanos)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}

/// The lowercase extension of the last path component, without the dot ("" when none).
public func fileExtension(_ path: String) -> String {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
    return name[name.index(after: dot)...].lowercased()
}
