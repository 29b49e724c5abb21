import Foundation
import XCTest

/// A fresh temporary directory, removed when `test` tears down.
func makeTemporaryDirectory(_ test: XCTestCase, _ label: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// Writes `text` to `dir/relative`, creating parent directories.
@discardableResult
func writeFile(_ dir: URL, _ relative: String, _ text: String) throws -> URL {
    let url = dir.appendingPathComponent(relative)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
    return url
}

/// Ordinary Python source of `lines` small functions, which passes every default dataset filter.
func pythonSource(_ name: String, lines: Int) -> String {
    var out = "\"\"\"Module \(name).\"\"\"\n\nimport os\n\n\n"
    for i in 0..<lines {
        out += "def \(name)_function_\(i)(value, other=\(i)):\n    result = value * other + \(i)\n    return os.path.join(str(result), \"\(name)\")\n\n\n"
    }
    return out
}
