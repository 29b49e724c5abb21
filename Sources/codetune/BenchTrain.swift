import ArgumentParser
import Autograd
import Collectives
import Foundation
import Models
import Training

/// `codetune bench train [--json]`: training tokens/s, GFLOP/s, MFU and peak memory on one shape.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput (forward, backward, clip, AdamW) on the reference shape.",
        discussion: """
            A fresh model (seed --seed) trains on one fixed random batch: --warmup steps, then --steps timed \
            steps. FLOPs per token = 6·N + 12·layers·context·hidden; MFU is achieved FLOP/s over the product peak \
            measured in this process with the same thread count (sgemm for fp32, bf16 products for bf16). Compare \
            with ../shared/bench/torch_train_reference.py --impl mini [--compile --precision bf16] in the same sitting. \
            Under `mpirun -np N` every rank trains its own copy and the gradients are summed with one allreduce after \
            each backward pass, as `codetune train` does; rank 0 prints each rank's and the total tokens/s and \
            the allreduce's time per step.
            """)

    @OptionGroup var shape: ModelShapeOptions
    @Option(help: "Positions per sequence.") var context = 256
    @Option(help: "Sequences per step.") var batch = 16
    @Option(help: "Worker threads.") var threads = 2
    @Flag(name: .customLong("blas-threads"), help: "Let OpenBLAS thread large products itself (default: codetune splits them).")
    var blasThreads = false
    @Option(help: "Untimed steps first.") var warmup = 2
    @Option(help: "Timed steps.") var steps = 10
    @Option(help: "Seed of the weights and the batch.") var seed: UInt64 = 0
    @Flag(name: .customLong("no-peak"), help: "Skip the sgemm peak measurement (no MFU).") var noPeak = false
    @Option(help: "Matrix-product arithmetic: fp32, bf16 or auto (bf16 where the CPU has it).") var precision = PrecisionSetting.fp32
    @Option(name: .customLong("lora-rank"), help: "Train LoRA adapters of this rank over a frozen base (all seven projections, alpha 2·rank).")
    var loraRank: Int?
    @Option(name: .customLong("base-precision"), help: "With --lora-rank: fp32, q8 or q4 base in memory.")
    var basePrecision = "fp32"
    @Flag(help: "Print each step's loss on stderr.") var verbose = false
    @Flag(help: "One JSON object on stdout.") var json = false

    func validate() throws {
        guard context > 0, batch > 0, threads > 0, warmup >= 0, steps > 0 else {
            throw ValidationError("--context, --batch, --threads and --steps must be positive, --warmup non-negative")
        }
        if let r = loraRank, r <= 0 { throw ValidationError("--lora-rank must be positive") }
        if BasePrecision(rawValue: basePrecision) == nil { throw ValidationError("--base-precision must be fp32, q8 or q4") }
    }

    func run() throws {
        var o = TrainingBenchmark.Options()
        o.config = try shape.config(positions: context)
        let shape = self.shape, batch = self.batch
        try MemoryEstimate.requireFits("--context", value: context, for: "a training step of batch \(batch)") { positions in
            (try? shape.config(positions: max(1, positions))).map { MemoryEstimate.training($0, batch: batch, context: positions) } ?? .max
        }
        try MemoryEstimate.requireFits("--batch", value: batch, for: "a training step of context \(context)") {
            MemoryEstimate.training(o.config, batch: $0, context: context)
        }
        o.context = context; o.batch = batch; o.threads = threads
        o.blasThreadsItself = blasThreads
        o.warmupSteps = warmup; o.steps = steps; o.seed = seed; o.measurePeak = !noPeak
        if let loraRank, let precision = BasePrecision(rawValue: basePrecision) {
            let lora = LoRASettings(rank: loraRank, alpha: Double(2 * loraRank), basePrecision: precision)
            if let problem = lora.problem(with: o.config) { throw ValidationError(problem) }
            o.lora = lora
        }
        let group = ProcessGroup.world
        if let note = precision.fallbackNote, group.isRoot { printError(note) }
        o.precision = precision.resolved
        let r = TrainingBenchmark.run(o, synchronize: group.size > 1 ? Self.allreduce(group) : nil) { step, loss in
            if verbose && group.isRoot { printError("step \(step) loss \(loss)") }
        }
        if group.size > 1 {
            try group.whole { try printRanks(r, group: group) }
            return
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(r), as: UTF8.self))
            return
        }
        print("shape: vocab \(r.vocab), hidden \(r.hidden), \(r.layers) layers, \(r.heads) heads, \(r.kv_heads) kv heads, MLP \(r.mlp), context \(r.context), batch \(r.batch) (\(r.params) parameters)")
        print(String(format: "%.0f tokens/s, %.1f ms/step, %.1f GFLOP/s (%d threads, %d timed steps after %d warm-up)",
                     r.tokens_per_s, r.ms_per_step, r.gflops, r.threads, r.steps, r.warmup_steps))
        if r.mfu == nil { print("precision \(r.precision)") }
        if let peak = r.peak_gflops, let mfu = r.mfu {
            let kind = r.peak_kind == "bf16-gemm" ? "bf16 product peak (oneDNN)" : "sgemm peak"
            print("precision \(r.precision); \(kind) " + String(format: "%.1f GFLOP/s; MFU %.1f%%", peak, 100 * mfu))
        }
        print(String(format: "peak RSS %.1f MiB (activations %.1f MiB); ", Double(r.peak_rss_bytes) / 1_048_576,
                     Double(r.activation_bytes) / 1_048_576) + "OPENBLAS_CORETYPE \(r.openblas_coretype ?? "unset")")
        if let lora = r.lora, let trainable = r.trainable_params { print("LoRA \(lora): \(trainable) trained parameters") }
        print("losses: " + r.losses.map { String(format: "%.6f", $0) }.joined(separator: " "))
    }

    /// The data-parallel step's gradient exchange: the gradients into one flat buffer, one allreduce,
    /// back, scaled by 1/ranks (what `Trainer` does with `StepGradients`).
    static func allreduce(_ group: ProcessGroup) -> ([Tensor]) -> Void {
        var buffer: StepGradients?
        return { parameters in
            let b = buffer ?? StepGradients(parameters: parameters)
            buffer = b
            b.add(first: true)
            do { try b.allreduce(group) } catch { printError("codetune bench train: \(error)"); group.abort(status: 2) }
            b.writeBack()
            let scale = 1 / Float(group.size)
            for p in parameters { if let g = p.grad { for j in 0..<p.count { g[j] *= scale } } }
        }
    }

    /// Under `mpirun`: every rank's tokens/s and allreduce time gathered to rank 0, which prints them.
    func printRanks(_ r: TrainingBenchmark.Result, group: ProcessGroup) throws {
        var slots = [Double](repeating: 0, count: 2 * group.size)
        slots[group.rank] = r.tokens_per_s
        slots[group.size + group.rank] = r.sync_ms_per_step ?? 0
        let all = try group.sum(slots)
        try group.barrier()
        guard group.isRoot else { return }
        let perRank = Array(all[0..<group.size]), syncMs = Array(all[group.size...])
        let total = perRank.reduce(0, +)
        let meanSync = syncMs.reduce(0, +) / Double(group.size)
        let ranks = RankFigures(ranks: group.size, tokens_per_s_per_rank: perRank, total_tokens_per_s: total,
                                allreduce_ms_per_step: syncMs, allreduce_share: meanSync / r.ms_per_step,
                                gradient_bytes: 4 * r.params, rank0: r)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(ranks), as: UTF8.self))
            return
        }
        print("shape: vocab \(r.vocab), hidden \(r.hidden), \(r.layers) layers, \(r.heads) heads, \(r.kv_heads) kv heads, MLP \(r.mlp), context \(r.context), batch \(r.batch) per rank (\(r.params) parameters)")
        for (i, t) in perRank.enumerated() {
            print(String(format: "rank %d: %.0f tokens/s, allreduce %.2f ms/step", i, t, syncMs[i]))
        }
        print(String(format: "total: %.0f tokens/s over %d ranks × %d threads; %.1f ms/step, allreduce %.2f ms/step (%.1f%% of a step, %.1f MB of gradients)",
                      total, group.size, r.threads, r.ms_per_step, meanSync, 100 * ranks.allreduce_share, Double(4 * r.params) / 1e6))
        print("rank 0 losses: " + r.losses.map { String(format: "%.6f", $0) }.joined(separator: " "))
    }

    /// `bench train --json` under `mpirun`.
    struct RankFigures: Codable {
        var ranks: Int
        var tokens_per_s_per_rank: [Double]
        var total_tokens_per_s: Double
        var allreduce_ms_per_step: [Double]
        /// Mean allreduce time over rank 0's step time.
        var allreduce_share: Double
        var gradient_bytes: Int
        var rank0: TrainingBenchmark.Result
    }
}
