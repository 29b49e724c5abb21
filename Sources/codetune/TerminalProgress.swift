import Foundation

/// One progress line on stderr, redrawn in place (`\r`), for commands where a person waits; exists only
/// when stderr is a terminal, so logs and pipes stay quiet. Thread-safe: workers may report at once.
final class TerminalProgress: @unchecked Sendable {   // `last` and `width` under `lock`
    private let lock = NSLock()
    private var last = ""
    private var width = 0

    /// A progress line when stderr is a terminal, else nil.
    static func standardError() -> TerminalProgress? { isatty(2) != 0 ? TerminalProgress() : nil }

    /// Replaces the line with `text` (unchanged text is not redrawn).
    func show(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        guard text != last else { return }
        last = text
        let pad = String(repeating: " ", count: max(0, width - text.count))
        width = text.count
        FileHandle.standardError.write(Data(("\r" + text + pad).utf8))
    }

    /// Ends the line, so what follows starts on a fresh one.
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if width > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        width = 0
        last = ""
    }
}
