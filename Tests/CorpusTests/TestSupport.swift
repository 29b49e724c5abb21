import Foundation
import XCTest

/// A fresh temporary directory, removed by the caller's `addTeardownBlock`.
func makeTemporaryDirectory(_ test: XCTestCase, _ label: String = "corpus") throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock {
        _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        try? FileManager.default.removeItem(at: dir)
    }
    return dir
}

/// Writes `text` to `dir/relative`, creating parent directories.
@discardableResult
func writeFile(_ dir: URL, _ relative: String, _ text: String) throws -> URL {
    try writeFile(dir, relative, Data(text.utf8))
}

@discardableResult
func writeFile(_ dir: URL, _ relative: String, _ data: Data) throws -> URL {
    let url = dir.appendingPathComponent(relative)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
    return url
}

/// Runs `tool` (looked up on PATH) in `directory`; skips the test when the tool is not installed.
func runTool(_ tool: String, _ arguments: [String], in directory: URL) throws {
    guard toolExists(tool) else { throw XCTSkip("\(tool) is not installed") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + arguments
    p.currentDirectoryURL = directory
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    if p.terminationStatus != 0 { XCTFail("\(tool) \(arguments.joined(separator: " ")) exited with \(p.terminationStatus)") }
}

func toolExists(_ tool: String) -> Bool {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
}

/// Ordinary Python source that passes every default filter.
func pythonSource(_ name: String, lines: Int = 12) -> String {
    var out = "\"\"\"Module \(name).\"\"\"\n\nimport os\n\n\n"
    for i in 0..<lines {
        out += "def \(name)_function_\(i)(value, other=\(i)):\n    result = value * other + \(i)\n    return os.path.join(str(result), \"\(name)\")\n\n\n"
    }
    return out
}
