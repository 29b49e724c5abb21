// TrainingBenchmark: tokens/s, achieved FLOP/s and MFU of full training steps on one model shape.

import Autograd
import Foundation
import SeededRandom

/// Throughput of training steps (forward, backward, clip, AdamW) on a freshly initialised model and one
/// fixed random batch, as `../shared/bench/torch_train_reference.py` measures PyTorch:
/// warm-up steps, then `steps` timed steps; FLOPs per token from `MistralConfig.trainingFLOPsPerToken`
/// (6·N + 12·layers·context·hidden); MFU against the product peak (sgemm, or bf16 products for a bf16
/// run) measured in this process.
public enum TrainingBenchmark {
    public struct Options: Sendable {
        public var config: MistralConfig = .reference
        public var batch = 16
        public var context = 256
        /// Worker threads for every kernel (`Parallel.setThreads`).
        public var threads = 2
        /// Let OpenBLAS thread each large product itself instead of `Parallel`'s split (`Parallel.setThreads`).
        public var blasThreadsItself = false
        public var warmupSteps = 2
        public var steps = 10
        public var seed: UInt64 = 0
        public var learningRate = 3e-4
        public var weightDecay = 0.1
        public var clip: Float = 1
        /// Measure the product peak (the MFU denominator); off gives no MFU.
        public var measurePeak = true
        /// The arithmetic of the matrix products (`.bf16` needs `BF16Products.isAvailable`). The MFU is
        /// against the peak of the same arithmetic: the bf16 product peak for bf16, the sgemm peak for fp32.
        public var precision: MatmulPrecision = .fp32
        /// Train LoRA adapters over a frozen base (fp32 or quantized) instead of every parameter.
        public var lora: LoRASettings?

        public init() {}
    }

    /// One benchmark's figures. Field names are the `--json` keys.
    public struct Result: Codable, Sendable {
        public var vocab, hidden, layers, heads, kv_heads, mlp, context, batch: Int
        public var params: Int
        public var threads: Int
        public var warmup_steps, steps: Int
        public var tokens_per_s: Double
        public var ms_per_step: Double
        /// FLOPs per token by docs/benchmarks.md's formula.
        public var flops_per_token: Double
        public var gflops: Double
        public var peak_gflops: Double?
        /// The arithmetic of the products ("fp32" or "bf16").
        public var precision: String
        /// What `peak_gflops` measured: "sgemm" (OpenBLAS fp32) or "bf16-gemm" (oneDNN bf16, fp32 accumulation),
        /// n = 1024 square products with the same thread count.
        public var peak_kind: String?
        /// Achieved over peak, 0…1.
        public var mfu: Double?
        /// Peak resident memory of the process during training (VmHWM, or getrusage ru_maxrss), bytes;
        /// read before the sgemm peak is measured.
        public var peak_rss_bytes: Int
        /// Activation memory the tape reserved (arena high-water mark), bytes.
        public var activation_bytes: Int
        /// Loss of every step (warm-up first), to check that a seed and thread count repeat bit for bit.
        public var losses: [Float]
        /// With LoRA: `r<rank> <targets> base <precision>`, and the trained (adapter) parameter count.
        public var lora: String? = nil
        public var trainable_params: Int? = nil
        public var openblas_coretype: String?
        /// Milliseconds per timed step spent in `synchronize` (the gradient allreduce under `mpirun`); nil without one.
        public var sync_ms_per_step: Double? = nil
    }

    /// Runs the benchmark; `progress` is told each step's index and loss (warm-up steps included).
    /// `synchronize`, when given, runs after each backward pass and before clipping with the parameters
    /// (the gradient allreduce of data-parallel training); its time is reported apart.
    public static func run(_ o: Options, synchronize: (([Tensor]) -> Void)? = nil,
                           progress: (Int, Float) -> Void = { _, _ in }) -> Result {
        precondition(o.batch > 0 && o.context > 0 && o.steps > 0 && o.warmupSteps >= 0, "TrainingBenchmark: bad options")
        Parallel.setThreads(o.threads, blasThreadsItself: o.blasThreadsItself)
        var config = o.config
        config.maxPositionEmbeddings = max(config.maxPositionEmbeddings, o.context)
        let n = o.batch * o.context
        let (seconds, syncSeconds, losses, activationBytes, trainable) = train(config: config, o, synchronize: synchronize, progress: progress)
        // Peak memory of training, read after its memory is released and before the sgemm peak, whose
        // OpenBLAS-threaded variant starts a thread pool (buffers that stay resident, not part of training).
        let peakResident = ProcessMemory.peakResidentBytes
        let peakKind = o.precision == .bf16 ? "bf16-gemm" : "sgemm"
        let peak = o.measurePeak ? (o.precision == .bf16 ? Parallel.bf16PeakFLOPS() : Parallel.sgemmPeakFLOPS()) : nil
        let tokensPerSecond = Double(n * o.steps) / seconds
        let flopsPerToken = o.lora == nil ? config.trainingFLOPsPerToken(context: o.context)
            : config.loraTrainingFLOPsPerToken(context: o.context, trainable: trainable)
        let achieved = tokensPerSecond * flopsPerToken
        var loraLabel: String?
        if let l = o.lora {
            let targets: String = l.targets.map(\.rawValue).joined(separator: ",")
            loraLabel = "r\(l.rank) \(targets) base \(l.basePrecision.rawValue)"
        }
        var result = Result(
            vocab: config.vocabSize, hidden: config.hiddenSize, layers: config.numHiddenLayers,
            heads: config.numAttentionHeads, kv_heads: config.numKeyValueHeads, mlp: config.intermediateSize,
            context: o.context, batch: o.batch, params: config.parameterCount, threads: Parallel.workers,
            warmup_steps: o.warmupSteps, steps: o.steps, tokens_per_s: tokensPerSecond,
            ms_per_step: 1000 * seconds / Double(o.steps), flops_per_token: flopsPerToken,
            gflops: achieved / 1e9, peak_gflops: peak.map { $0 / 1e9 }, precision: o.precision.rawValue,
            peak_kind: peak == nil ? nil : peakKind, mfu: peak.map { achieved / $0 },
            peak_rss_bytes: peakResident, activation_bytes: activationBytes,
            losses: losses, openblas_coretype: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
        if synchronize != nil { result.sync_ms_per_step = 1000 * syncSeconds / Double(o.steps) }
        result.lora = loraLabel
        result.trainable_params = o.lora == nil ? nil : trainable
        return result
    }
}

extension TrainingBenchmark {
    /// Warm-up and timed steps; returns the timed seconds, every step's loss and the tape's arena bytes.
    /// Model, optimizer and tape are freed on return.
    static func train(config: MistralConfig, _ o: Options, synchronize: (([Tensor]) -> Void)?, progress: (Int, Float) -> Void)
        -> (seconds: Double, syncSeconds: Double, losses: [Float], activationBytes: Int, trainable: Int) {
        var rng = SeededGenerator(seed: o.seed)
        let model: MistralModel
        if let lora = o.lora {
            // Drawn tensor by tensor (norms 1, matrices N(0, 0.02²)), so a quantized base never sits whole in Float32.
            model = MistralModel(config: config, lora: lora) { i in
                let spec = config.parameterSpecs[i]
                if spec.shape.count == 1 { return [Float](repeating: 1, count: spec.count) }
                return (0..<spec.count).map { _ in Float(0.02 * rng.nextNormal()) }
            }
            model.initializeAdapters(using: &rng)
        } else {
            model = MistralModel(config: config, generator: &rng)
        }
        let optimizer = AdamW(parameters: model.trainableParameters, decay: model.trainableDecayFlags, learningRate: o.learningRate,
                              weightDecay: o.weightDecay)
        let n = o.batch * o.context
        let ids = (0..<n).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
        let targets = (0..<n).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
        let tape = Tape(precision: o.precision)
        var losses: [Float] = []
        var syncSeconds = 0.0
        func step() {
            let loss = model.loss(tape, ids: ids, targets: targets, batch: o.batch, length: o.context)
            optimizer.zeroGrad()
            tape.backward(loss)
            if let synchronize {
                let t0 = DispatchTime.now().uptimeNanoseconds
                synchronize(model.trainableParameters)
                syncSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
            }
            clipGradientNorm(model.trainableParameters, maxNorm: o.clip)
            optimizer.step()
            losses.append(loss.item)
            tape.reset()
            progress(losses.count - 1, losses[losses.count - 1])
        }
        for _ in 0..<o.warmupSteps { step() }
        syncSeconds = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<o.steps { step() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return (seconds, syncSeconds, losses, tape.arenaBytes, model.trainableParameters.reduce(0) { $0 + $1.count })
    }

}

/// Resident memory of this process.
public enum ProcessMemory {
    /// Peak resident set size so far in bytes: `VmHWM` of /proc/self/status, else getrusage's ru_maxrss.
    public static var peakResidentBytes: Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                let kb = line.dropFirst(6).split(separator: " ").first.flatMap { Int($0) }
                if let kb { return kb * 1024 }
            }
        }
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        #if os(Linux)
        return usage.ru_maxrss * 1024   // kilobytes on Linux
        #else
        return usage.ru_maxrss          // bytes on macOS
        #endif
    }
}
