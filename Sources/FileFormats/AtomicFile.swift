import Foundation

/// Writing files and directories so that a reader sees them whole or not at all:
/// write under a temporary name in the same directory, then `rename(2)` into place.
public enum AtomicFile {
    /// Writes `data` to `url` atomically (temporary sibling, fsync, rename).
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw InputError(file: url.path, "cannot create a temporary file in \(dir.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            try rename(tmp, to: url)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
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
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let tmp = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
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
            throw error
        }
    }

    static func rename(_ from: URL, to: URL) throws {
        if Foundation.rename(from.path, to.path) != 0 {
            throw InputError(file: to.path, "cannot rename into place: \(String(cString: strerror(errno)))")
        }
    }
}
