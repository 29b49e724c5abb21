import ArgumentParser
import Foundation
import Models

/// `codetune bench train [--json]`: training tokens/s, GFLOP/s, MFU and peak memory on one shape.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput (forward, backward, clip, AdamW) on the reference shape.",
        discussion: """
            A fresh model (seed --seed) trains on one fixed random batch: --warmup steps, then --steps timed \
            steps. FLOPs per token = 6·N + 12·layers·context·hidden; MFU is achieved FLOP/s over the sgemm peak \
            measured in this process with the same thread count. Compare with \
            ../shared/bench/torch_train_reference.py --impl mini in the same sitting.
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
        o.context = context; o.batch = batch; o.threads = threads
        o.blasThreadsItself = blasThreads
        o.warmupSteps = warmup; o.steps = steps; o.seed = seed; o.measurePeak = !noPeak
        if let loraRank, let precision = BasePrecision(rawValue: basePrecision) {
            let lora = LoRASettings(rank: loraRank, alpha: Double(2 * loraRank), basePrecision: precision)
            if let problem = lora.problem(with: o.config) { throw ValidationError(problem) }
            o.lora = lora
        }
        let r = TrainingBenchmark.run(o) { step, loss in
            if verbose { printError("step \(step) loss \(loss)") }
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
        if let peak = r.peak_gflops, let mfu = r.mfu {
            print(String(format: "sgemm peak %.1f GFLOP/s; MFU %.1f%%", peak, 100 * mfu))
        }
        print(String(format: "peak RSS %.1f MiB (activations %.1f MiB); ", Double(r.peak_rss_bytes) / 1_048_576,
                     Double(r.activation_bytes) / 1_048_576) + "OPENBLAS_CORETYPE \(r.openblas_coretype ?? "unset")")
        if let lora = r.lora, let trainable = r.trainable_params { print("LoRA \(lora): \(trainable) trained parameters") }
        print("losses: " + r.losses.map { String(format: "%.6f", $0) }.joined(separator: " "))
    }
}
