import Foundation

/// A file found on disk: where it is, its path relative to its source root, and the
/// size and modification time that make up its identity in the cache key.
public struct FoundFile: Sendable, Equatable {
    public var path: String
    public var relativePath: String
    public var size: Int
    /// Modification time in nanoseconds since 1970.
    public var modified: Int64
}

/// Walks a directory tree in sorted order, following symbolic links that stay inside the root, reporting
/// loops, broken links, links that leave the root (never followed: a link to `/etc/passwd` or `/` must
/// not put the machine's files into a dataset) and unreadable directories instead of failing. Version-control directories
/// (`.git`, `.hg`, `.svn`) are never entered.
struct DirectoryWalker {
    static let versionControlDirectories: Set<String> = [".git", ".hg", ".svn"]

    var selection: PathSelection
    /// Whether a file (by relative path) is wanted at all (extension, include / exclude).
    var wants: (String) -> Bool
    var issues: SourceIssueLog

    struct DirectoryID: Hashable { var device: UInt64; var inode: UInt64 }

    /// Files below `root` whose relative paths are wanted.
    func walk(_ root: String) -> [FoundFile] {
        var out: [FoundFile] = []
        var st = stat()
        guard stat(root, &st) == 0 else {
            issues.report(errno == ELOOP ? .symlinkLoop : .unreadable, file: root, String(cString: strerror(errno)))
            return out
        }
        let resolvedRoot = DirectoryWalker.realPath(root) ?? root
        walk(root, relative: "", resolvedRoot: resolvedRoot,
             ancestors: [DirectoryID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))], into: &out)
        return out
    }

    /// The canonical absolute path of `path` (symbolic links resolved), nil when it cannot be resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether canonical `path` is `root` or lies below it.
    static func isInside(_ path: String, root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    private func walk(_ dir: String, relative: String, resolvedRoot: String, ancestors: Set<DirectoryID>, into out: inout [FoundFile]) {
        guard let names = listDirectory(dir) else { return }
        for name in names {
            let path = dir + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            if lstat(path, &st) != 0 {
                issues.report(.unreadable, file: path, String(cString: strerror(errno)))
                continue
            }
            if st.st_mode & S_IFMT == S_IFLNK {
                if stat(path, &st) != 0 {
                    let e = errno
                    if e == ELOOP {
                        issues.report(.symlinkLoop, file: path, "symbolic link loop")
                    } else if e == ENOENT {
                        issues.report(.brokenSymlink, file: path, "symbolic link to nothing")
                    } else {
                        issues.report(.unreadable, file: path, String(cString: strerror(e)))
                    }
                    continue
                }
                guard let target = DirectoryWalker.realPath(path), DirectoryWalker.isInside(target, root: resolvedRoot) else {
                    issues.report(.symlinkOutsideRoot, file: path, "symbolic link leaves the source directory \(resolvedRoot); not followed")
                    continue
                }
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                if DirectoryWalker.versionControlDirectories.contains(name) || selection.excludesDirectory(rel) { continue }
                let id = DirectoryID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
                if ancestors.contains(id) {
                    issues.report(.symlinkLoop, file: path, "symbolic link loop: leads back to a directory above it")
                    continue
                }
                walk(path, relative: rel, resolvedRoot: resolvedRoot, ancestors: ancestors.union([id]), into: &out)
            case S_IFREG:
                guard wants(rel) else { continue }
                let nanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
                out.append(FoundFile(path: path, relativePath: rel, size: Int(st.st_size), modified: nanos))
            default:
                continue // sockets, fifos, devices: not source code
            }
        }
    }

    /// Entry names of `dir`, sorted by bytes, without `.` and `..`; nil (reported) when unreadable.
    private func listDirectory(_ dir: String) -> [String]? {
        guard let d = opendir(dir) else {
            issues.report(.unreadable, file: dir, "cannot list directory: \(String(cString: strerror(errno)))")
            return nil
        }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
