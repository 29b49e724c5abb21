import Foundation
import XCTest

/// What one run of the built `codetune` left behind.
struct CodetuneResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    /// True when a signal ended the process (a trap, an abort, an OOM kill), not an exit.
    var killedBySignal = false
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// The release binary named by `CODETUNE_BIN`; throws `XCTSkip` when it is unset or empty (`Scripts/test` sets it).
func codetuneBinary() throws -> String {
    guard let bin = ProcessInfo.processInfo.environment["CODETUNE_BIN"], !bin.isEmpty else { throw XCTSkip("CODETUNE_BIN is not set") }
    return bin
}

/// Runs the release binary named by `CODETUNE_BIN` with `arguments` (in `directory` when given) to its end,
/// reading stdout and stderr at the same time so neither pipe can fill and stall the child.
/// Throws `XCTSkip` when `CODETUNE_BIN` is unset (`Scripts/test` sets it).
func runCodetune(_ arguments: [String], in directory: URL? = nil) throws -> CodetuneResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try codetuneBinary())
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Both pipes are drained at once, so a child that fills one while we wait on the other cannot stall.
    let errData = StderrBuffer()
    let reader = DispatchGroup()
    DispatchQueue.global().async(group: reader) { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    reader.wait()
    process.waitUntilExit()
    return CodetuneResult(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData.data, as: UTF8.self),
                          killedBySignal: process.terminationReason == .uncaughtSignal)
}

/// stderr as read by the background reader; read only after `reader.wait()`, which orders the two.
private final class StderrBuffer: @unchecked Sendable {
    var data = Data()
}
