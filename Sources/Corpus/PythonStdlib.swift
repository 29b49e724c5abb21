import FileFormats
import Foundation

/// Finds the standard library of a Python interpreter on `PATH` by asking it.
public enum PythonStdlib {
    /// Directories inside the standard library directory that hold installed third-party
    /// packages or caches, never part of the standard library itself.
    public static let alwaysExcluded = ["**/site-packages/**", "**/dist-packages/**", "**/__pycache__/**"]

    /// The `stdlib` path from `sysconfig.get_paths()` of `python` (a name looked up on `PATH`,
    /// or a path), plus the interpreter's version string.
    public static func locate(python: String) throws -> (directory: URL, version: String) {
        let script = "import sys, sysconfig; print(sysconfig.get_paths()['stdlib']); print(sys.version.split()[0])"
        let process = Process()
        if python.contains("/") {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-I", "-c", script]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, "-I", "-c", script]
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw InputError(key: "python_stdlib", "cannot run \(python): \(error.localizedDescription)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard process.terminationStatus == 0, lines.count >= 2 else {
            let detail = errText.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw InputError(key: "python_stdlib", "cannot ask \(python) for its standard library: \(detail)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: lines[0], isDirectory: &isDir), isDir.boolValue else {
            throw InputError(key: "python_stdlib", "\(python) reports its standard library at \(lines[0]), which is not a directory")
        }
        return (URL(fileURLWithPath: lines[0]).standardizedFileURL, lines[1])
    }
}
