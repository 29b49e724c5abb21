import Foundation
import Sandbox

/// Runs many small self-checking programs in one sandboxed Python process each batch (through
/// `SelfCheckingProgramRunner`, the evaluator's sandbox): each program is compiled and run in a fresh
/// namespace under a per-program timer, and the batch raises at its end with a bit mask of the programs
/// whose outcome differed from what was expected. Starting one process per program costs about 100
/// times more than running a program; a batch whose answer cannot be read is run again in halves.
public struct BatchVerifier: Sendable {
    public var runner: SelfCheckingProgramRunner
    /// Programs per sandboxed process (at most 256: the mask must fit the sandbox's 300-character detail).
    public var batchSize = 200
    /// Wall-clock seconds each program may run inside a batch.
    public var perProgramSeconds = 0.5
    public var workers = 2

    public init(runner: SelfCheckingProgramRunner, workers: Int = 2) { self.runner = runner; self.workers = workers }

    /// One program and whether it should pass (a canonical solution) or fail (a broken variant).
    public struct Program: Sendable {
        public var source: String
        public var shouldPass: Bool
        public init(source: String, shouldPass: Bool) { self.source = source; self.shouldPass = shouldPass }
    }

    static let marker = "codetune-batch-unexpected "

    /// Whether each program behaved as expected, in input order. A program counts as unexpected when
    /// its batch could not be judged even alone (a sandbox error).
    public func verify(_ programs: [Program]) -> [Bool] {
        let batches = stride(from: 0, to: programs.count, by: batchSize).map { $0..<min(programs.count, $0 + batchSize) }
        final class Box: @unchecked Sendable {
            var results: [[Bool]]
            let lock = NSLock()
            init(_ n: Int) { results = Array(repeating: [], count: n) }
        }
        let box = Box(batches.count)
        let w = max(1, min(workers, batches.count))
        DispatchQueue.concurrentPerform(iterations: w) { k in
            let supervisorRunner = runner
            var mine: [(Int, [Bool])] = []
            for b in stride(from: k, to: batches.count, by: w) {
                mine.append((b, judge(Array(programs[batches[b]]), runner: supervisorRunner)))
            }
            box.lock.lock(); for (b, r) in mine { box.results[b] = r }; box.lock.unlock()
        }
        return box.results.flatMap { $0 }
    }

    /// Expected-or-not for each program of one batch; halves the batch when its verdict cannot be read.
    func judge(_ programs: [Program], runner: SelfCheckingProgramRunner) -> [Bool] {
        guard !programs.isEmpty else { return [] }
        let verdict = runner.run([Self.batchProgram(programs, seconds: perProgramSeconds)])[0]
        if verdict.status == .passed { return Array(repeating: true, count: programs.count) }
        if verdict.status == .failed, let r = verdict.detail.range(of: Self.marker) {
            let hex = verdict.detail[r.upperBound...].prefix { $0.isHexDigit }
            if hex.count == (programs.count + 3) / 4 {
                let digits = hex.compactMap(\.hexDigitValue)
                return programs.indices.map { i in (digits[i / 4] >> (i % 4)) & 1 == 0 }
            }
        }
        if programs.count == 1 { return [false] }
        let mid = programs.count / 2
        return judge(Array(programs[..<mid]), runner: runner) + judge(Array(programs[mid...]), runner: runner)
    }

    /// The Python program judging a batch: sources as a JSON list (a valid Python literal), each run with
    /// `exec` under `setitimer`, then an `AssertionError` carrying the mask of unexpected outcomes.
    static func batchProgram(_ programs: [Program], seconds: Double) -> String {
        let sources = (try? JSONSerialization.data(withJSONObject: programs.map(\.source), options: [.withoutEscapingSlashes])).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        let expect = "[" + programs.map { $0.shouldPass ? "1" : "0" }.joined(separator: ",") + "]"
        return """
        import signal, sys
        sys.setrecursionlimit(200)
        class _Slow(BaseException):
            pass
        def _alarm(signum, frame):
            raise _Slow()
        signal.signal(signal.SIGALRM, _alarm)
        _sources = \(sources)
        _expect = \(expect)
        _mask = 0
        for _i, _src in enumerate(_sources):
            _ok = False
            try:
                signal.setitimer(signal.ITIMER_REAL, \(seconds))
                exec(compile(_src, "<exercise>", "exec"), {"__name__": "__exercise__"})
                _ok = True
            except BaseException:
                _ok = False
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if _ok != bool(_expect[_i]):
                _mask |= 1 << _i
        if _mask:
            _digits = "".join("%x" % ((_mask >> (4 * _j)) & 15) for _j in range((len(_sources) + 3) // 4))
            raise AssertionError("\(marker)" + _digits)

        """
    }
}
