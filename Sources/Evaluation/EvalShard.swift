import Foundation

/// One of `count` disjoint parts of a suite's problems (`eval --shard INDEX/COUNT`).
///
/// A problem belongs to shard `fnv1a64(task_id) mod count`: membership depends on the task id alone,
/// not on the problems file's order, `--limit` or the machine, so shards run as separate jobs (a CI
/// matrix, the ranks of `mpirun`) always partition the suite, and `eval merge` can check they did.
public struct EvalShard: Equatable, Sendable, CustomStringConvertible {
    /// 0-based, below `count`.
    public let index: Int
    /// At least 1.
    public let count: Int

    /// Precondition: 0 ≤ index < count.
    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index), "shard \(index)/\(count)")
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (0 ≤ I < N); nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i) else { return nil }
        self.init(index: i, count: n)
    }

    /// `I/N`, as written in `summary.json`'s `shard`.
    public var description: String { "\(index)/\(count)" }

    /// Whether problem `taskID` is this shard's.
    public func contains(taskID: String) -> Bool { Self.shard(of: taskID, count: count) == index }

    /// The shard of `taskID` among `count`: FNV-1a (64-bit) of its UTF-8 bytes, modulo `count`.
    public static func shard(of taskID: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in taskID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(hash % UInt64(count))
    }
}
