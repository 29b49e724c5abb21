import Autograd
import Collectives
import Corpus
import FileFormats
import Foundation
import Models
import RunStore
import SeededRandom

/// The training loop: the config's stages in order, each from the previous one's weights.
///
/// Per optimizer step: `grad_accum` micro-batches forward and backward (gradients averaged),
/// global-norm clipping, AdamW at the schedule's learning rate. Reports go to the `progress`
/// callback; the loop never prints, logs or looks at signals. Checkpoints are written by `CheckpointStore`
/// under the run layout's names (`CheckpointName`);
/// a trainer built from a checkpoint continues exactly (weights, moments, data position, RNG,
/// step, report window), so the loss sequence equals an uninterrupted run's at the same threads.
///
/// Data parallel (`group.size` N > 1, under `mpirun`): every rank holds the same model and reads the
/// same seeded batch stream; of a step's `grad_accum` micro-batches, rank r computes r, r+N, … and
/// skips the others' (`grad_accum` must be a multiple of N). The summed gradients, the loss and the
/// non-finite flag are reduced over the ranks before clipping, so every rank clips, steps, validates and
/// stops identically; rank 0 alone writes checkpoints. `StepGradients` says why N ranks equal one process
/// with the same config bit for bit when each rank has one micro-batch and N = 2.
public final class Trainer {
    public let config: RunConfig
    public let checkpoints: CheckpointStore
    public private(set) var model: MistralModel
    public private(set) var state: TrainingState
    var optimizer: AdamW
    var rng: SeededGenerator
    let tokenizer: URL?
    let openData: (StageConfig, Int) throws -> StageData
    /// The measured product peak (FLOP/s) of one rank in a precision, for MFU (nil: MFU not reported); the job's
    /// peak is `group.size` times it. Called once per stage, with the stage's precision.
    let peakFLOPS: ((MatmulPrecision) -> Double)?
    /// Whether `state` is the middle of a stage (resume) rather than a fresh start of `state.position.stageIndex`.
    var resumingStage: Bool
    /// The resumed checkpoint, when its periodic eval had not finished (`state.scorePending`): `run` measures it first.
    var pendingScore: URL?
    /// The ranks training together (`.single` for one process).
    public let group: ProcessGroup

    /// - Parameters:
    ///   - model: the starting weights (fresh, `init_from`, or loaded from `resume`'s checkpoint).
    ///   - openData: the data of stage `i` with that stage's seed already applied.
    ///   - resume: the checkpoint to continue from (its directory and state); nil for a new run.
    public init(config: RunConfig, checkpoints: CheckpointStore, model: MistralModel, rng: SeededGenerator,
                tokenizer: URL?, peakFLOPS: ((MatmulPrecision) -> Double)?, resume: (url: URL, state: TrainingState)? = nil, group: ProcessGroup = .single,
                openData: @escaping (StageConfig, Int) throws -> StageData) throws {
        for stage in config.stages where stage.gradAccum % group.size != 0 {
            throw InputError(file: config.file.path, key: "stages.\(stage.name).grad_accum",
                             "\(stage.gradAccum) is not a multiple of the \(group.size) ranks; each rank takes grad_accum / ranks micro-batches of a step")
        }
        self.group = group
        self.config = config
        self.checkpoints = checkpoints
        self.model = model
        self.tokenizer = tokenizer
        self.peakFLOPS = peakFLOPS
        self.openData = openData
        optimizer = AdamW(parameters: model.trainableParameters, decay: model.trainableDecayFlags)
        self.rng = rng
        if let resume {
            state = resume.state
            let position = state.position
            guard position.stageIndex < config.stages.count, config.stages[position.stageIndex].name == position.stage else {
                throw InputError(file: resume.url.path, key: "stage", "checkpoint is for stage '\(position.stage)', which is not stage \(position.stageIndex + 1) of the config")
            }
            try CheckpointStore.readOptimizer(into: optimizer, names: model.trainableNames, from: resume.url)
            optimizer.stepCount = state.optimizerSteps
            if let words = TrainingState.words(state.rng) { self.rng = SeededGenerator(state: words) }
            resumingStage = !state.position.stageFinished
            if state.scorePending { pendingScore = resume.url }
            if state.position.stageFinished { state.position.stageIndex += 1 }
        } else {
            state = TrainingState(position: CheckpointPosition(step: 0, stageIndex: 0, stage: config.stages.first?.name ?? "",
                                                               stageStep: 0, stageFinished: false),
                                  tokens: 0, elapsed: 0, dataPosition: LoaderPosition(seed: 0, windowsPerEpoch: 0),
                                  rng: TrainingState.hex(rng.state), optimizerSteps: 0, bestValLoss: nil, evalsSinceBest: 0,
                                  windowLossSum: 0, windowSteps: 0, skippedSteps: 0)
            resumingStage = false
        }
    }

    /// Seed of stage `index`'s data order: the run seed mixed with the stage index.
    public static func stageSeed(_ seed: UInt64, stage index: Int) -> UInt64 {
        seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
    }

    /// Runs the remaining stages. Returns `.interrupted` when the callback asked to stop or `stopAfterStep`
    /// answered true after a step (a signal: stop after the current step, not at the next report) — after
    /// checkpointing the step it stopped at — and `.failed` for a non-finite value with `on_nan: fail`.
    ///
    /// - Parameter score: called on each published checkpoint whose stage step is due a periodic eval
    ///   (`every: N` divides it; the stage's end checkpoint only when the stage's `best` is a pass@k): runs
    ///   those evals and returns the stage's `best` pass@k on the checkpoint, or nil when `best` is not a
    ///   pass@k or it could not be measured.
    public func run(stopAfterStep: () -> Bool = { false },
                    score: (StageConfig, TrainingProgress.CheckpointReport) throws -> Double? = { _, _ in nil },
                    progress: (TrainingProgress) -> ProgressDisposition) throws -> TrainingOutcome {
        let launched = ContinuousClock.now
        let elapsedAtLaunch = state.elapsed
        func elapsed() -> Double { elapsedAtLaunch + seconds(ContinuousClock.now - launched) }
        var stopRequested = false
        func report(_ p: TrainingProgress) { if progress(p) == .stop { stopRequested = true } }
        var patienceRanOut = false
        var measuredOnResume: Int?
        if let pending = pendingScore {
            let index = state.position.stageFinished ? state.position.stageIndex - 1 : state.position.stageIndex
            let stage = config.stages[index]
            let c = TrainingProgress.CheckpointReport(stage: stage.name, step: state.position.step, directory: pending)
            if group.isRoot {
                patienceRanOut = try measureBest(stage, on: c, score: score, report: report) && !state.position.stageFinished
            }
            if group.size > 1 { patienceRanOut = try group.any(patienceRanOut) }   // rank 0's evals decide
            pendingScore = nil
            if !state.position.stageFinished { measuredOnResume = state.position.stageStep }
        }

        while state.position.stageIndex < config.stages.count {
            let index = state.position.stageIndex
            let stage = config.stages[index]
            let evalEvery = config.periodicEvals(stage: stage.name).compactMap(\.every)   // once per stage, not per step
            var data = try openData(stage, index)
            if resumingStage {
                try data.restore(state.dataPosition)
            } else {
                if let lora = stage.lora, model.lora == nil {
                    // The weights the stage starts from (the previous stage's end, or init_from) become the
                    // frozen base of fresh adapters.
                    let base: URL
                    if index > 0 {
                        base = checkpoints.directory.url(of: .stage(config.stages[index - 1].name))
                    } else if case .initFrom(let dir) = config.model {
                        base = dir
                    } else {
                        throw InputError(file: config.file.path, key: "stages[0].lora", "LoRA needs a pretrained base: set model.init_from")
                    }
                    model = try MistralModel.loadLoRA(base: base, settings: lora, generator: &rng)
                    optimizer = AdamW(parameters: model.trainableParameters, decay: model.trainableDecayFlags)
                } else if index > 0 && !stage.carryOptimizer {
                    optimizer = AdamW(parameters: model.trainableParameters, decay: model.trainableDecayFlags)
                }
                state.position.stage = stage.name
                state.position.stageStep = 0
                state.position.stageFinished = false
                state.bestValLoss = nil
                state.bestScore = nil
                state.evalsSinceBest = 0
                state.windowLossSum = 0
                state.windowSteps = 0
                state.skippedSteps = 0
            }
            resumingStage = false
            optimizer.beta1 = stage.beta1
            optimizer.beta2 = stage.beta2
            optimizer.eps = 1e-8
            optimizer.weightDecay = stage.weightDecay
            report(.stageStarted(.init(stage: stage.name, index: index, stageCount: config.stages.count, totalSteps: stage.steps,
                                       fromStep: state.position.stageStep, tokensPerStep: stage.tokensPerStep)))
            let trainable = model.trainableParameters.reduce(0) { $0 + $1.count }
            let flopsPerToken = stage.lora == nil ? model.config.trainingFLOPsPerToken(context: stage.context)
                : model.config.loraTrainingFLOPsPerToken(context: stage.context, trainable: trainable)
            let precision = config.precision(of: stage).resolved
            let tape = Tape(precision: precision)
            let peak = peakFLOPS?(precision)
            let summed = stage.gradAccum > 1 || group.size > 1 ? StepGradients(parameters: model.trainableParameters) : nil
            var windowStart = ContinuousClock.now
            var windowTokens = 0
            var lastGradNorm = 0.0
            var earlyStopped = patienceRanOut
            patienceRanOut = false
            var measuredAt = measuredOnResume  // the stage step whose checkpoint `score` last measured
            measuredOnResume = nil

            while state.position.stageStep < stage.steps && !earlyStopped {
                let lr = stage.learningRate(at: state.position.stageStep)
                optimizer.learningRate = lr
                optimizer.zeroGrad()
                var lossSum = 0.0
                var badTensor: String?
                var taken = 0
                var stepTokens = 0  // positions processed: rows × columns (completion batches are trimmed)
                // Every rank reads every micro-batch of the one stream, so all stay at the same data position.
                for m in 0..<stage.gradAccum {
                    let batch = data.nextBatch()
                    stepTokens += batch.rows * batch.columns
                    // Every rank draws every micro-batch's dropout seed, so the generators stay equal.
                    if let lora = stage.lora, lora.dropout > 0 { model.setDropoutSeed(rng.next()) }
                    guard m % group.size == group.rank, badTensor == nil else { continue }
                    if taken > 0 { optimizer.zeroGrad() }
                    tape.reset()
                    let loss = model.loss(tape, ids: batch.inputs, targets: batch.targets, batch: batch.rows, length: batch.columns)
                    let value = Double(loss.item)
                    if !value.isFinite { badTensor = firstNonFiniteParameter() ?? "loss"; continue }
                    lossSum += value
                    tape.backward(loss)
                    summed?.add(first: taken == 0)
                    taken += 1
                }
                tape.reset()
                if group.size > 1 {   // the loss and the non-finite verdict, the same on every rank
                    let totals = try group.sum([lossSum, badTensor == nil ? 0 : 1])
                    lossSum = totals[0]
                    if totals[1] > 0, badTensor == nil { badTensor = "loss (on another rank)" }
                }
                if badTensor == nil, let summed {
                    try summed.allreduce(group)
                    summed.writeBack()
                }
                var gradNorm = 0.0
                if badTensor == nil {
                    if stage.gradAccum > 1 { scaleGradients(by: 1 / Float(stage.gradAccum)) }
                    gradNorm = Double(stage.clip > 0 ? clipGradientNorm(model.trainableParameters, maxNorm: Float(stage.clip)) : gradientNorm(model.trainableParameters))
                    if !gradNorm.isFinite { badTensor = (firstNonFiniteGradient() ?? "gradient") + " (gradient)" }
                }
                state.position.step += 1
                state.position.stageStep += 1
                state.tokens += stepTokens
                windowTokens += stepTokens
                if let badTensor {
                    let skip = stage.onNonFinite == .skip
                    report(.nonFinite(.init(stage: stage.name, step: state.position.step, stageStep: state.position.stageStep, tensor: badTensor, skipped: skip)))
                    if !skip {
                        state.elapsed = elapsed()
                        return .failed(message: "stage \(stage.name) step \(state.position.stageStep): non-finite value in \(badTensor)")
                    }
                    optimizer.zeroGrad()
                    state.skippedSteps += 1
                } else {
                    optimizer.step()
                    state.windowLossSum += lossSum / Double(stage.gradAccum)
                    state.windowSteps += 1
                    lastGradNorm = gradNorm
                }

                let last = state.position.stageStep == stage.steps
                let validating = last || (stage.evalEvery > 0 && state.position.stageStep % stage.evalEvery == 0)
                if (last || validating || state.position.stageStep % stage.logEvery == 0), state.windowSteps > 0 {
                    let now = ContinuousClock.now
                    let tps = Double(windowTokens) / max(1e-9, seconds(now - windowStart))
                    report(.trained(.init(stage: stage.name, step: state.position.step, stageStep: state.position.stageStep, totalSteps: stage.steps,
                                          loss: state.windowLossSum / Double(state.windowSteps), lr: lr, gradNorm: lastGradNorm,
                                          tokens: state.tokens, tokensPerSecond: tps,
                                          mfu: peak.map { flopsPerToken * tps / ($0 * Double(group.size)) }, elapsed: elapsed())))
                    state.windowLossSum = 0
                    state.windowSteps = 0
                    windowTokens = 0
                    windowStart = now
                }
                if validating, let valLoss = validationLoss(data, batches: stage.valBatches, precision: precision) {
                    // Validation loss is always measured and logged; it keeps `best-<stage>` and drives early
                    // stopping only when it is the stage's `best` metric.
                    let keepsBest = stage.best == .validationLoss
                    let improved = BestMetric.validationLoss.improves(valLoss, on: state.bestValLoss, minDelta: stage.earlyStoppingMinDelta)
                    if improved { state.bestValLoss = valLoss }
                    if keepsBest { state.evalsSinceBest = improved ? 0 : state.evalsSinceBest + 1 }
                    report(.validated(.init(stage: stage.name, step: state.position.step, stageStep: state.position.stageStep, loss: valLoss,
                                            tokens: state.tokens, elapsed: elapsed(), improved: improved && keepsBest)))
                    if improved && keepsBest {
                        state.elapsed = elapsed()
                        try checkpoint(.best(stage.name), data: data, report: report)
                    }
                    if keepsBest, let patience = stage.earlyStoppingPatience, state.evalsSinceBest >= patience, !last { earlyStopped = true }
                    windowStart = ContinuousClock.now  // tokens/s measures training only
                }
                let ending = last || earlyStopped
                if stopAfterStep() { stopRequested = true }
                if group.size > 1 { stopRequested = try group.any(stopRequested) }   // a signal on any rank stops all
                // A periodic eval scores a saved checkpoint, so its steps are checkpointed too.
                let periodic = (stage.checkpointEvery > 0 && state.position.stageStep % stage.checkpointEvery == 0)
                    || evalEvery.contains { state.position.stageStep % $0 == 0 }
                if !ending && (periodic || stopRequested) {
                    let due = evalEvery.contains { state.position.stageStep % $0 == 0 }
                    state.elapsed = elapsed()
                    state.scorePending = due
                    if due { measuredAt = state.position.stageStep }
                    if let c = try publish(.step(state.position.step), data: data) {   // rank 0 alone
                        if due, try measureBest(stage, on: c, score: score, report: report) { earlyStopped = true }
                        report(.checkpointed(c))  // after its evals, so a stop asked for during them lands here
                        checkpoints.directory.prune(stage: stage.name, keepLast: stage.keepLast)
                    }
                    if due && group.size > 1 { earlyStopped = try group.any(earlyStopped) }   // rank 0's evals decide
                    windowStart = ContinuousClock.now
                }
                if stopRequested && !ending { return .interrupted(step: state.position.step) }
            }
            state.position.stageFinished = true
            state.elapsed = elapsed()
            // With a pass@k `best`, the final weights compete too when a periodic eval falls on the last step.
            var dueAtEnd = false
            if case .passAtK = stage.best, measuredAt != state.position.stageStep {
                dueAtEnd = evalEvery.contains { state.position.stageStep % $0 == 0 }
            }
            state.scorePending = dueAtEnd
            if let end = try publish(.stage(stage.name), data: data) {   // rank 0 alone
                if dueAtEnd { _ = try measureBest(stage, on: end, score: score, report: report) }
                report(.checkpointed(end))
                checkpoints.directory.prune(stage: stage.name, keepLast: 0)
            }
            report(.stageFinished(.init(stage: stage.name, steps: state.position.stageStep, earlyStopped: earlyStopped)))
            state.position.stageIndex += 1
            if group.size > 1 { stopRequested = try group.any(stopRequested) }
            if stopRequested && state.position.stageIndex < config.stages.count { return .interrupted(step: state.position.step) }
        }
        return .completed
    }

    /// Token-weighted mean loss over the first `batches` validation batches, products in `precision` (the
    /// stage's); nil when there are none.
    func validationLoss(_ data: StageData, batches: Int, precision: MatmulPrecision) -> Double? {
        let count = min(batches, data.validationBatchCount)
        guard count > 0 else { return nil }
        let tape = Tape.inference(precision: precision)
        var sum = 0.0, weight = 0
        for i in 0..<count {
            let batch = data.validationBatch(i)
            let n = batch.targetCount
            guard n > 0 else { continue }
            tape.reset()
            sum += Double(model.loss(tape, ids: batch.inputs, targets: batch.targets, batch: batch.rows, length: batch.columns).item) * Double(n)
            weight += n
        }
        return weight > 0 ? sum / Double(weight) : nil
    }

    /// Publishes checkpoint `name` and reports it (rank 0; the others only update their state).
    func checkpoint(_ name: CheckpointName, data: StageData, report: (TrainingProgress) -> Void) throws {
        if let c = try publish(name, data: data) { report(.checkpointed(c)) }
    }

    /// Publishes checkpoint `name` of the current weights, moments and state (with `data`'s position); nil on
    /// ranks other than 0, which record the same state without writing (they hold the same weights).
    func publish(_ name: CheckpointName, data: StageData) throws -> TrainingProgress.CheckpointReport? {
        state.dataPosition = data.position
        state.optimizerSteps = optimizer.stepCount
        state.rng = TrainingState.hex(rng.state)
        guard group.isRoot else { return nil }   // rank 0 alone writes; the others hold the same state
        let url = try checkpoints.write(name, model: model, optimizer: optimizer, state: state, tokenizer: tokenizer)
        return TrainingProgress.CheckpointReport(stage: state.position.stage, step: state.position.step, directory: url)
    }

    /// Runs `score` on checkpoint `c` (written with `state.scorePending`), then, when the stage's `best` is a
    /// pass@k and it was measured, updates the stage's best and early-stopping count and, on an improvement,
    /// publishes a copy of `c` as `best-<stage>`. Finally rewrites `c`'s `state.json` without the pending mark,
    /// so a resume from `c` sees what an uninterrupted run saw. Returns whether early stopping's patience ran out.
    func measureBest(_ stage: StageConfig, on c: TrainingProgress.CheckpointReport,
                     score: (StageConfig, TrainingProgress.CheckpointReport) throws -> Double?,
                     report: (TrainingProgress) -> Void) throws -> Bool {
        let value = try score(stage, c)
        state.scorePending = false
        var patienceRanOut = false
        if case .passAtK = stage.best, let value {
            let improved = stage.best.improves(value, on: state.bestScore, minDelta: stage.earlyStoppingMinDelta)
            if improved { state.bestScore = value; state.evalsSinceBest = 0 } else { state.evalsSinceBest += 1 }
            report(.bestMeasured(.init(stage: stage.name, step: state.position.step, stageStep: state.position.stageStep,
                                       metric: stage.best, value: value, improved: improved)))
            if improved {
                let url = try checkpoints.copy(c.directory, as: .best(stage.name), state: state)
                report(.checkpointed(.init(stage: stage.name, step: c.step, directory: url)))
            }
            if let patience = stage.earlyStoppingPatience, state.evalsSinceBest >= patience { patienceRanOut = true }
        }
        try checkpoints.rewriteState(state, of: c.directory)
        return patienceRanOut
    }

    func scaleGradients(by factor: Float) {
        for p in model.trainableParameters {
            guard let g = p.grad else { continue }
            for j in 0..<p.count { g[j] *= factor }
        }
    }

    /// The name (Hugging Face's, or PEFT's for an adapter) of the first trained parameter holding a NaN or
    /// infinity, if any.
    func firstNonFiniteParameter() -> String? {
        for (name, p) in zip(model.trainableNames, model.trainableParameters) {
            for j in 0..<p.count where !p.data[j].isFinite { return name }
        }
        return nil
    }

    func firstNonFiniteGradient() -> String? {
        for (name, p) in zip(model.trainableNames, model.trainableParameters) {
            guard let g = p.grad else { continue }
            for j in 0..<p.count where !g[j].isFinite { return name }
        }
        return nil
    }
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}
