import Autograd
import Collectives
import FileFormats
import Foundation
import Models
import RunStore
import SeededRandom

/// Everything around the loop: the run directory, data, model, the metrics log, `run.json` and the
/// evals after stages.
///
/// `start` validates and prepares everything before the first step and creates
/// `RUNS/<name>/<run-id>/`; `resume` reopens a run directory at its latest checkpoint, truncating
/// `metrics.jsonl` back to that checkpoint's step so the log continues without gap or duplicate.
/// `run` drives the `Trainer`, logging each report, running the config's evals when a stage ends
/// (`evaluate(after:observer:)`), and passing everything on to an observer (the display).
///
/// Under `mpirun` (`group.size` > 1) every rank builds a session over the same run directory, but only
/// rank 0 creates or reopens it, takes its lock and writes `run.json`, `metrics.jsonl`, checkpoints and
/// evals; the other ranks prepare their data after rank 0 has (so caches are built once), train in step
/// with it and wait at a barrier while it finishes.
public final class TrainingSession {
    public let config: RunConfig
    public let run: RunDirectory
    public let trainer: Trainer
    let log: MetricsLog
    /// The run's lock, held by rank 0 alone.
    let lock: RunLock?
    let group: ProcessGroup

    /// The one path from a config, a run directory and starting weights to a session: builds the trainer
    /// over the stage data, takes the run's lock (or keeps `lock`, taken earlier) and opens the metrics log.
    init(config: RunConfig, run: RunDirectory, sources: StageDataSources, model: MistralModel, rng: SeededGenerator,
         resume: (url: URL, state: TrainingState)?, lock: RunLock?, group: ProcessGroup) throws {
        let seed = config.seed
        trainer = try Trainer(config: config, checkpoints: CheckpointStore(directory: run.checkpoints.url), model: model, rng: rng,
                              tokenizer: sources.tokenizer, peakFLOPS: Self.measuredPeaks(), resume: resume,
                              group: group) { stage, index in
            try sources.open(stage, index: index, runSeed: seed)
        }
        self.config = config
        self.run = run
        self.group = group
        self.lock = group.isRoot ? try lock ?? RunLock(run: run.url) : nil
        log = try MetricsLog(url: run.metricsURL)
    }

    /// A new run of `config` under `runsDir`. `note` receives one-line status messages.
    public static func start(config: RunConfig, runsDir: URL, completionData: StageDataSources.CompletionDataBuilder? = nil,
                             group: ProcessGroup = .single, note: (String) -> Void = { _ in }) throws -> TrainingSession {
        var config = config
        try RunPreflight.check(config)
        if !group.isRoot { try group.barrier() }   // rank 0 prepares the data first
        let sources = try prepareData(config, completionData: completionData, note: note)
        if group.isRoot {
            try requireUncontaminatedData(config, note: note)
            try group.barrier()
        }
        var rng = SeededGenerator(seed: config.seed)
        let model = try initialModel(&config, sources: sources, rng: &rng)
        let yaml = config.resolvedYAML()
        var path = ""
        if group.isRoot {
            var record = RunRecord(id: RunID.make(), name: config.name, configSHA256: SHA256Digest.hex(yaml),
                                   gitCommit: RunEnvironment.gitCommit(), host: RunEnvironment.host, threads: config.threads,
                                   versions: RunEnvironment.versions, stages: config.stages.map(\.name))
            record.precision = config.precision.resolved.rawValue
            record.stagePrecisions = config.stagePrecisions
            record.worldSize = group.size > 1 ? group.size : nil
            let run = try RunDirectory.create(runsDir: runsDir, record: record, configYAML: yaml)
            note("run \(record.id) in \(run.url.path)" + (group.size > 1 ? " (\(group.size) ranks)" : ""))
            path = run.url.path
        }
        let run = RunDirectory(url: URL(fileURLWithPath: try group.broadcast(path)))
        return try TrainingSession(config: config, run: run, sources: sources, model: model, rng: rng, resume: nil, lock: nil,
                                   group: group)
    }

    /// Reopens `runDirectory` at its latest intact checkpoint (or from the beginning when it has none).
    /// Under `mpirun` every rank reopens the same directory (a shared filesystem past one machine); with
    /// another world size than before, the config's `grad_accum` (the global batch) is unchanged, so the
    /// run continues from the same data position.
    public static func resume(runDirectory: URL, completionData: StageDataSources.CompletionDataBuilder? = nil,
                              group: ProcessGroup = .single, note: (String) -> Void = { _ in }) throws -> TrainingSession {
        let run = RunDirectory(url: runDirectory)
        var lock: RunLock?
        var record = try run.readRecord()
        if group.isRoot {
            lock = try RunLock(run: run.url)  // before truncating the log; the session keeps it
            if record.status == .completed {
                throw InputError(file: run.recordURL.path, key: "status", "run \(record.id) is already completed; nothing to resume")
            }
        } else {
            try group.barrier()   // rank 0 has prepared the data, removed temporaries and truncated the log
        }
        var config = try RunConfig.load(run.configURL)
        let sources = try prepareData(config, completionData: completionData, note: note)
        if group.isRoot { run.checkpoints.removeTemporaries() }
        let latest = try CheckpointStore(directory: run.checkpoints.url).latestIntact(note: group.isRoot ? note : { _ in })
        var rng = SeededGenerator(seed: config.seed)
        let model: MistralModel
        if let latest {
            model = try MistralModel.loadForTraining(checkpoint: latest.url)
            let at = latest.state.position
            note("resuming \(record.id) from \(latest.url.lastPathComponent) (stage \(at.stage), step \(at.stageStep))")
        } else {
            model = try initialModel(&config, sources: sources, rng: &rng)
            note("no checkpoint in \(record.id) yet: restarting it from the beginning")
        }
        // run.json says `running` only once the session is built: a resume that fails (a truncated
        // optimizer.safetensors) leaves the run as it was, `interrupted` or `failed`.
        var session: TrainingSession?
        if group.isRoot {
            let dropped = try MetricsLog.truncate(run.metricsURL, throughStep: latest?.state.position.step ?? 0)
            if dropped > 0 { note("metrics.jsonl: dropped \(dropped) record(s) written after the checkpoint") }
            session = try TrainingSession(config: config, run: run, sources: sources, model: model, rng: rng, resume: latest,
                                          lock: lock, group: group)
            record.status = .running
            record.precision = config.precision.resolved.rawValue
            record.stagePrecisions = config.stagePrecisions
            record.resumes += 1
            record.finished = nil
            record.message = nil
            record.elapsedSeconds = latest?.state.elapsed ?? 0
            record.worldSize = group.size > 1 ? group.size : nil
            try run.writeRecord(record)
            try group.barrier()
        }
        return try session ?? TrainingSession(config: config, run: run, sources: sources, model: model, rng: rng, resume: latest,
                                              lock: lock, group: group)
    }

    /// Marks the run `interrupted` at once, for a process about to exit without finishing the step (a second
    /// Ctrl-C): the run resumes from its latest checkpoint.
    public func markQuit(signal: Int32) {
        guard group.isRoot else { return }   // rank 0 alone writes run.json
        log.sync()
        _ = try? run.updateRecord {
            $0.status = .interrupted
            $0.message = "quit by signal \(signal) during a step; resume with --resume \(run.url.path) from the latest checkpoint"
            $0.finished = Date()
        }
    }

    /// The MFU denominator of each precision a stage's products use: the product peak measured in this process
    /// the first time a stage asks for it (a few hundred milliseconds of products), then remembered.
    static func measuredPeaks() -> (MatmulPrecision) -> Double {
        var measured: [MatmulPrecision: Double] = [:]
        return { precision in
            if let peak = measured[precision] { return peak }
            let peak = precision == .bf16 ? Parallel.bf16PeakFLOPS() ?? Parallel.sgemmPeakFLOPS() : Parallel.sgemmPeakFLOPS()
            measured[precision] = peak
            return peak
        }
    }

    /// Sets the thread count and prepares every stage's data (`StageDataSources.prepare`).
    static func prepareData(_ config: RunConfig, completionData: StageDataSources.CompletionDataBuilder?,
                            note: (String) -> Void) throws -> StageDataSources {
        Parallel.setThreads(config.threads)
        for fallback in config.precisionFallbackNotes { note(fallback) }
        var sources = try StageDataSources.prepare(config, note: note)
        sources.completionData = completionData
        return sources
    }

    /// The weights of the first stage: a fresh model drawn from `rng` (its vocabulary, when the config
    /// leaves it 0, the tokenizer's; written back into `config`) or the `init_from` model (a checkpoint or
    /// Hugging Face directory, or a GGUF file).
    static func initialModel(_ config: inout RunConfig, sources: StageDataSources, rng: inout SeededGenerator) throws -> MistralModel {
        let model: MistralModel
        switch config.model {
        case .fresh(var shape):
            if shape.vocabSize == 0 { shape.vocabSize = sources.vocabularySize ?? 0 }
            try shape.validate(file: config.file.path)
            config.model = .fresh(shape)
            model = MistralModel(config: shape, generator: &rng)
        case .initFrom(let url):
            if let lora = config.stages.first?.lora {
                model = try MistralModel.loadLoRA(base: url, settings: lora, generator: &rng)   // frozen base, fresh adapters
            } else {
                model = try MistralModel.load(pretrained: url)
            }
        }
        if let v = sources.vocabularySize, v > model.config.vocabSize {
            throw InputError(file: config.file.path, key: "model.vocab_size", "the model's vocabulary (\(model.config.vocabSize)) is smaller than the tokenizer's (\(v))")
        }
        return model
    }

    /// Trains to the end (or until `shouldStop` says so after a step), logging every report to
    /// `metrics.jsonl`, running the config's evals when a stage ends and handing every report and eval to
    /// `observer`; marks `run.json` completed, failed or interrupted. An eval that cannot run does not stop
    /// training: the result says so (`SessionResult.evalCouldNotRun`).
    public func run(observer: (TrainingProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> SessionResult {
        var logError: Error?
        var evals: [TrainingProgress.EvalReport] = []
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run(stopAfterStep: shouldStop, score: { stage, c in
                try evaluatePeriodically(c, stage: stage, observer: observer)
            }) { progress in
                guard group.isRoot else { return shouldStop() ? .stop : .more }
                do {
                    try record(progress)
                    observer(progress)
                    if case .stageFinished(let end) = progress { evals += try evaluate(after: end.stage, observer: observer) }
                } catch {
                    logError = error
                    return .stop
                }
                return shouldStop() ? .stop : .more
            }
        } catch {
            try? finish(.failed, message: "\(error)")
            throw error
        }
        if let logError {
            try? finish(.failed, message: "\(logError)")
            throw logError
        }
        switch outcome {
        case .completed: try finish(.completed, message: nil)
        case .interrupted(let step): try finish(.interrupted, message: "stopped at step \(step); resume with --resume \(run.url.path)")
        case .failed(let message): try finish(.failed, message: message)
        }
        try group.barrier()   // the other ranks wait here while rank 0 runs the last evals and writes run.json
        return SessionResult(outcome: outcome, evals: evals)
    }

    /// Appends training and validation reports to `metrics.jsonl`; at a checkpoint, flushes the log and
    /// records the elapsed time in `run.json`.
    func record(_ progress: TrainingProgress) throws {
        switch progress {
        case .trained(let r):
            try log.append(MetricRecord(step: r.step, stage: r.stage, stageStep: r.stageStep, split: .train, loss: r.loss, lr: r.lr,
                                        gradNorm: r.gradNorm, tokens: r.tokens, tokensPerSecond: r.tokensPerSecond, mfu: r.mfu,
                                        elapsed: r.elapsed))
        case .validated(let v):
            try log.append(MetricRecord(step: v.step, stage: v.stage, stageStep: v.stageStep, split: .val, loss: v.loss,
                                        tokens: v.tokens, elapsed: v.elapsed))
        case .checkpointed:
            log.sync()
            let elapsed = trainer.state.elapsed
            try run.updateRecord { $0.elapsedSeconds = elapsed }
        case .stageStarted, .nonFinite, .stageFinished, .evalStarted, .evaluated, .bestMeasured:
            break
        }
    }

    func finish(_ status: RunRecord.Status, message: String?) throws {
        guard group.isRoot else { return }
        log.sync()
        let elapsed = trainer.state.elapsed
        try run.updateRecord {
            $0.status = status
            $0.message = message
            $0.finished = Date()
            $0.elapsedSeconds = max($0.elapsedSeconds, elapsed)
        }
    }
}

/// How `TrainingSession.run` ended: the loop's outcome and the evals run at stage ends in this launch.
public struct SessionResult: Sendable {
    public var outcome: TrainingOutcome
    public var evals: [TrainingProgress.EvalReport]

    /// Some eval could not run (a bad suite, no sandbox): `codetune train` exits 2 once the run is recorded.
    public var evalCouldNotRun: Bool { evals.contains { $0.verdict == nil } }
    /// A gated eval missed a threshold: `codetune train` exits 1.
    public var gateFailed: Bool { evals.contains(where: \.failsGate) }
}
