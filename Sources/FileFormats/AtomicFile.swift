import Foundation

/// Writing files and directories so that a reader sees them whole or not at all:
/// write under a temporary name in the same directory, then `rename(2)` into place.
public enum AtomicFile {
    /// Writes `data` to `url` atomically (temporary sibling, fsync, rename).
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try makeParent(dir, of: url)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw InputError(file: url.path, "cannot write: \(FileSystemReason.posix(errno))")
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            try rename(tmp, to: url)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw writing(url, error)
        }
    }

    /// Writes a UTF-8 string atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Builds a directory under a temporary sibling name with `fill`, then renames it to `url`,
    /// replacing an existing directory there. A crash midway leaves only the temporary name.
    public static func writeDirectory(_ url: URL, _ fill: (URL) throws -> Void) throws {
        let parent = url.deletingLastPathComponent()
        try makeParent(parent, of: url)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw InputError(file: url.path, "exists and is not a directory")
        }
        let tmp = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do { try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true) } catch { throw writing(url, error) }
        do {
            try fill(tmp)
            if FileManager.default.fileExists(atPath: url.path) {
                let old = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(getpid())")
                try rename(url, to: old)
                try rename(tmp, to: url)
                try? FileManager.default.removeItem(at: old)
            } else {
                try rename(tmp, to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw writing(url, error)
        }
    }

    /// Creates `dir`, the parent of `url`, or says in words why it cannot be (a file in the way, permission).
    static func makeParent(_ dir: URL, of url: URL) throws {
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw InputError(file: url.path, "cannot write: \(FileSystemReason.words(error) ?? "\(error)") (\(FileSystemReason.path(error) ?? dir.path))")
        }
    }

    /// `error` from writing `url` (under its temporary name) as an input error naming `url`; input errors pass unchanged.
    static func writing(_ url: URL, _ error: Error) -> Error {
        if error is InputError || error is InputErrors { return error }
        guard let words = FileSystemReason.words(error) else { return error }
        return InputError(file: url.path, "cannot write: \(words)")
    }

    static func rename(_ from: URL, to: URL) throws {
        if Foundation.rename(from.path, to.path) != 0 {
            throw InputError(file: to.path, "cannot write: \(FileSystemReason.posix(errno))")
        }
    }
}
