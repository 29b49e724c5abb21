import Foundation

/// Facts about where a run was launched, for `run.json`.
public enum RunEnvironment {
    public static let codetuneVersion = "0.1.0"

    /// `git rev-parse HEAD` in `directory`, with `+dirty` when tracked files changed; nil outside a repository.
    public static func gitCommit(in directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> String? {
        guard let head = run(["git", "rev-parse", "HEAD"], in: directory), !head.isEmpty else { return nil }
        let dirty = run(["git", "status", "--porcelain", "--untracked-files=no"], in: directory).map { !$0.isEmpty } ?? false
        return dirty ? head + "+dirty" : head
    }

    public static var host: String { ProcessInfo.processInfo.hostName }

    public static var versions: [String: String] {
        var v = ["codetune": codetuneVersion, "os": ProcessInfo.processInfo.operatingSystemVersionString]
        #if compiler(>=6.3)
        v["swift"] = "6.3+"
        #elseif compiler(>=6.0)
        v["swift"] = "6.x"
        #endif
        return v
    }

    static func run(_ arguments: [String], in directory: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
