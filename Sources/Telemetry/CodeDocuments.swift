import Corpus
import FileFormats
import Foundation

/// A source file for the simulator: its path relative to the source root and its text.
public struct CodeDocument: Sendable, Equatable {
    public var path: String
    public var text: String
    public init(path: String, text: String) { self.path = path; self.text = text }
}

public enum CodeDocuments {
    /// Every `.<ext>` file under `root` (recursively, sorted by relative path, symlinks not followed), at
    /// most `maxBytes` each and valid UTF-8; directories named `site-packages` or `__pycache__` are skipped.
    /// (Reads files directly; the corpus target's dataset reader can replace this once merged.)
    public static func load(from root: URL, extension ext: String = "py", maxBytes: Int = 256 << 10,
                            limit: Int = .max) throws -> [CodeDocument] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir) else {
            throw InputError(file: root.path, "no such file or directory")
        }
        if !isDir.boolValue {
            guard let text = try? String(contentsOf: root, encoding: .utf8) else { throw InputError(file: root.path, "not UTF-8 text") }
            return [CodeDocument(path: root.lastPathComponent, text: text)]
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .isSymbolicLinkKey],
                                                          options: []) else {
            throw InputError(file: root.path, "cannot list directory")
        }
        let base = root.standardizedFileURL.path
        var paths: [(String, URL)] = []
        for case let url as URL in walker {
            let name = url.lastPathComponent
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .isSymbolicLinkKey])
            if values?.isSymbolicLink == true { if values?.isRegularFile != true { walker.skipDescendants() }; continue }
            if name == "site-packages" || name == "__pycache__" || name.hasPrefix(".") { walker.skipDescendants(); continue }
            guard values?.isRegularFile == true, url.pathExtension == ext, (values?.fileSize ?? 0) <= maxBytes else { continue }
            var rel = url.standardizedFileURL.path
            if rel.hasPrefix(base) { rel = String(rel.dropFirst(base.count)) }
            while rel.hasPrefix("/") { rel.removeFirst() }
            paths.append((rel, url))
        }
        paths.sort { $0.0 < $1.0 }
        var docs: [CodeDocument] = []
        for (rel, url) in paths {
            if docs.count >= limit { break }
            guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8), !text.isEmpty else { continue }
            docs.append(CodeDocument(path: rel, text: text))
        }
        return docs
    }

    /// The standard library directory of the `python3` on PATH (`sysconfig.get_paths()["stdlib"]`), as the
    /// `python_stdlib` dataset source finds it.
    public static func pythonStandardLibrary() throws -> URL {
        try PythonStdlib.locate(python: "python3").directory
    }
}
