import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT / SIGTERM turned into a flag the training callback polls: the loop finishes its step,
/// checkpoints, and returns; the command then exits 130 (SIGINT) or 143 (SIGTERM). A second
/// signal while stopping exits at once with that status.
public final class StopSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []
    private var beforeQuit: (@Sendable (Int32) -> Void)?

    /// Runs `action(signal)` on a second signal, just before the process exits (e.g. mark the run interrupted).
    public func onQuit(_ action: @escaping @Sendable (Int32) -> Void) {
        lock.lock(); defer { lock.unlock() }
        beforeQuit = action
    }

    public init() {}

    /// Starts catching SIGINT and SIGTERM.
    public func install() {
        for sig in [SIGINT, SIGTERM] {
            ignore(sig)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.receive(sig) }
            source.resume()
            sources.append(source)
        }
    }

    func receive(_ sig: Int32) {
        lock.lock()
        let first = received == nil
        if first { received = sig }
        let quit = beforeQuit
        lock.unlock()
        if first {
            FileHandle.standardError.write(Data("\n\(sig == SIGINT ? "SIGINT" : "SIGTERM"): finishing the step and checkpointing (signal again to quit now)\n".utf8))
        } else {
            quit?(sig)
            exit(128 + sig)
        }
    }

    /// The first signal received, if any.
    public var signal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// 130 for SIGINT, 143 for SIGTERM.
    public var exitStatus: Int32? { signal.map { 128 + $0 } }
}

/// Sets `sig` to be ignored by default (the dispatch source still sees it).
private func ignore(_ sig: Int32) {
    #if canImport(Glibc)
    _ = Glibc.signal(sig, SIG_IGN)
    #else
    _ = Darwin.signal(sig, SIG_IGN)
    #endif
}
