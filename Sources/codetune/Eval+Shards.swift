import ArgumentParser
import Collectives
import Evaluation
import Foundation
import Sandbox

extension Eval {
    /// `mpirun -np N codetune eval …` without `--shard`: rank I samples and scores shard I/N into
    /// `OUT/shard-I-of-N/` (each its own cache), all wait at a barrier, and rank 0 merges the shards into
    /// OUT, prints the summary and exits 1 when a threshold is missed. Needs an output directory
    /// (`--out`, or `--model`'s default).
    func runAsShards(_ run: EvalRun, group: ProcessGroup) throws {
        guard let out = run.outputDirectory else {
            throw ValidationError("under mpirun, eval needs --out (or --model, whose run gives the default) to merge the shards")
        }
        let directories = (0..<group.size).map { out.appendingPathComponent("shard-\($0)-of-\(group.size)") }
        var mine = run
        mine.shard = EvalShard(index: group.rank, count: group.size)
        mine.outputDirectory = directories[group.rank]
        do {
            _ = try mine.run()
        } catch let error as SandboxError {
            printError("codetune eval (rank \(group.rank)): sandbox unavailable: \(error)")
            group.abort(status: 2)
        }
        try group.barrier()
        guard group.isRoot else { return }
        let summary = try EvalMerge.merge(shardDirectories: directories, into: out)
        if json {
            print(String(decoding: try summary.json(), as: UTF8.self), terminator: "")
        } else {
            print("merged \(group.size) shards scored by \(group.size) ranks")
            Self.printSummary(summary, out: out)
        }
        if summary.verdict == .fail { throw ExitCode(1) }
    }
}
