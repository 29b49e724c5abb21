import FileFormats
import Foundation

/// The text files under some paths, read one at a time: the training input of
/// `codetune tokenizer train --input PATH...`.
///
/// Directories are walked recursively in sorted order (hidden entries and directories named in
/// `excludedDirectories` skipped, symbolic links to directories not followed); files that are not UTF-8
/// are skipped and counted. Iterating reads the files again.
public struct TextFiles: Sequence {
    /// Regular files found, in the order they are read.
    public let files: [URL]
    /// Files the last iteration skipped because they could not be read or are not UTF-8.
    public let skipped = SkippedFiles()

    /// - Parameters:
    ///   - paths: files and directories; a missing path is an `InputError`.
    ///   - extensions: when not empty, only files with one of these extensions (without the dot) are read
    ///     from directories (files named directly are always read).
    ///   - excludedDirectories: directory names to skip anywhere below the paths (e.g. `test`, `site-packages`).
    public init(paths: [String], extensions: [String] = [], excludedDirectories: [String] = []) throws {
        let fm = FileManager.default
        let wanted = Set(extensions.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 })
        let excluded = Set(excludedDirectories)
        var found: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(file: path, "no such file or directory")
            }
            let root = URL(fileURLWithPath: path)
            if !isDirectory.boolValue { found.append(root); continue }
            guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey],
                                             options: [.skipsHiddenFiles]) else {
                throw InputError(file: path, "cannot list directory")
            }
            var here: [URL] = []
            for case let url as URL in walker {
                let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
                if values?.isDirectory == true {
                    if excluded.contains(url.lastPathComponent) { walker.skipDescendants() }
                    continue
                }
                guard values?.isRegularFile == true else { continue }
                if !wanted.isEmpty && !wanted.contains(url.pathExtension) { continue }
                here.append(url)
            }
            found += here.sorted { $0.path < $1.path }
        }
        files = found
    }

    public func makeIterator() -> Iterator { Iterator(files: files, skipped: skipped) }

    /// Yields the content of each readable UTF-8 file; counts the ones skipped.
    public struct Iterator: IteratorProtocol {
        let files: [URL]
        let skipped: SkippedFiles
        var position = 0

        public mutating func next() -> String? {
            while position < files.count {
                let url = files[position]
                position += 1
                guard let data = try? Data(contentsOf: url), let text = String(validatingUTF8Data: data) else {
                    skipped.urls.append(url)
                    continue
                }
                return text
            }
            return nil
        }
    }
}

/// The files an iteration of `TextFiles` could not use.
public final class SkippedFiles {
    public internal(set) var urls: [URL] = []
}

extension String {
    /// The text of `data` if it is valid UTF-8, else nil (no replacement characters).
    init?(validatingUTF8Data data: Data) {
        guard let s = String(data: data, encoding: .utf8) else { return nil }
        self = s
    }
}
