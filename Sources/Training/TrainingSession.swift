import Autograd
import FileFormats
import Foundation
import Models
import RunStore

/// Everything around the loop: the run directory, data, model, the metrics log and `run.json`.
///
/// `start` validates and prepares everything before the first step and creates
/// `RUNS/<name>/<run-id>/`; `resume` reopens a run directory at its latest checkpoint, truncating
/// `metrics.jsonl` back to that checkpoint's step so the log continues without gap or duplicate.
/// `run` drives the `Trainer`, logging each report and passing it on to an observer (the display).
public final class TrainingSession {
    public let config: RunConfig
    public let run: RunDirectory
    public let trainer: Trainer
    let log: MetricsLog
    let lock: RunLock
    /// Runs an eval suite on a stage's final checkpoint, writing reports into the given directory
    /// (`evals/<suite>/<stage>/`); `codetune train` sets it to call `evaluateCheckpoint`. Nil: no evals.
    public var evaluate: ((EvalConfig, _ stage: String, _ checkpoint: URL, _ output: URL) throws -> Void)?

    init(config: RunConfig, run: RunDirectory, trainer: Trainer, replacingLock: RunLock? = nil) throws {
        self.config = config
        self.run = run
        self.trainer = trainer
        lock = try replacingLock ?? RunLock(run: run.url)
        log = try MetricsLog(url: run.metricsURL)
    }

    /// A new run of `config` under `runsDir`. `note` receives one-line status messages.
    public static func start(config: RunConfig, runsDir: URL, completionData: StageDataSources.CompletionDataBuilder? = nil,
                             note: (String) -> Void = { _ in }) throws -> TrainingSession {
        Parallel.setThreads(config.threads)
        var sources = try StageDataSources.prepare(config, note: note)
        sources.completionData = completionData
        try requireUncontaminatedData(config, note: note)
        var config = config
        var rng = WeightGenerator(seed: config.seed)
        let model: MistralModel
        switch config.model {
        case .fresh(var shape):
            if shape.vocabSize == 0 { shape.vocabSize = sources.vocabularySize ?? 0 }
            try shape.validate(file: config.file.path)
            config.model = .fresh(shape)
            model = MistralModel(config: shape, generator: &rng)
        case .initFrom(let dir):
            model = try MistralModel.load(checkpoint: dir)
        }
        if let v = sources.vocabularySize, v > model.config.vocabSize {
            throw InputError(file: config.file.path, key: "model.vocab_size", "the model's vocabulary (\(model.config.vocabSize)) is smaller than the tokenizer's (\(v))")
        }
        let yaml = config.resolvedYAML()
        let record = RunRecord(id: RunID.make(), name: config.name, configSHA256: SHA256Digest.hex(yaml),
                               gitCommit: RunEnvironment.gitCommit(), host: RunEnvironment.host, threads: config.threads,
                               versions: RunEnvironment.versions, stages: config.stages.map(\.name))
        let run = try RunDirectory.create(runsDir: runsDir, record: record, configYAML: yaml)
        note("run \(record.id) in \(run.url.path)")
        let sourcesCopy = sources
        let seed = config.seed
        let trainer = try Trainer(config: config, checkpoints: CheckpointStore(directory: run.checkpointsURL), model: model, rng: rng,
                                  tokenizer: sources.tokenizer, peakFLOPS: Parallel.sgemmPeakFLOPS()) { stage, index in
            try sourcesCopy.open(stage, index: index, runSeed: seed)
        }
        return try TrainingSession(config: config, run: run, trainer: trainer)
    }

    /// Reopens `runDirectory` at its latest checkpoint (or from the beginning when it has none).
    public static func resume(runDirectory: URL, completionData: StageDataSources.CompletionDataBuilder? = nil,
                              note: (String) -> Void = { _ in }) throws -> TrainingSession {
        let run = RunDirectory(url: runDirectory)
        var record = try run.readRecord()
        let earlyLock = try RunLock(run: run.url)  // before truncating the log; held until the session takes its own
        if record.status == .completed {
            throw InputError(file: run.recordURL.path, key: "status", "run \(record.id) is already completed; nothing to resume")
        }
        let config = try RunConfig.load(run.configURL)
        Parallel.setThreads(config.threads)
        var sources = try StageDataSources.prepare(config, note: note)
        sources.completionData = completionData
        let store = CheckpointStore(directory: run.checkpointsURL)
        store.removeTemporaries()
        let latest = try store.latest()
        let model: MistralModel
        var rng = WeightGenerator(seed: config.seed)
        if let latest {
            model = try MistralModel.load(checkpoint: latest.url)
            note("resuming \(record.id) from \(latest.url.lastPathComponent) (stage \(latest.state.stage), step \(latest.state.stageStep))")
        } else {
            switch config.model {
            case .fresh(let shape): model = MistralModel(config: shape, generator: &rng)
            case .initFrom(let dir): model = try MistralModel.load(checkpoint: dir)
            }
            note("no checkpoint in \(record.id) yet: restarting it from the beginning")
        }
        let dropped = try MetricsLog.truncate(run.metricsURL, throughStep: latest?.state.step ?? 0)
        if dropped > 0 { note("metrics.jsonl: dropped \(dropped) record(s) written after the checkpoint") }
        record.status = .running
        record.resumes += 1
        record.finished = nil
        record.message = nil
        record.elapsedSeconds = latest?.state.elapsed ?? 0
        try run.writeRecord(record)
        let seed = config.seed
        let sourcesCopy = sources
        let trainer = try Trainer(config: config, checkpoints: store, model: model, rng: rng, tokenizer: sources.tokenizer,
                                  peakFLOPS: Parallel.sgemmPeakFLOPS(), resume: latest) { stage, index in
            try sourcesCopy.open(stage, index: index, runSeed: seed)
        }
        return try TrainingSession(config: config, run: run, trainer: trainer, replacingLock: earlyLock)
    }

    /// Trains to the end (or until `shouldStop` says so after a report), logging every report to
    /// `metrics.jsonl` and handing it to `observer`; marks `run.json` completed, failed or interrupted.
    public func run(observer: (TrainingProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> TrainingOutcome {
        var logError: Error?
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run { progress in
                do { try record(progress) } catch { logError = error; return .stop }
                observer(progress)
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
        return outcome
    }

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
        case .stageFinished(let end):
            guard let evaluate else { return }
            let checkpoint = trainer.checkpoints.directory.appendingPathComponent(CheckpointStore.stageName(end.stage))
            for e in config.evals where e.stages.isEmpty || e.stages.contains(end.stage) {
                let suite = e.suite.deletingPathExtension().lastPathComponent
                try evaluate(e, end.stage, checkpoint, run.evalURL(suite: suite, stage: end.stage))
            }
        case .stageStarted, .nonFinite:
            break
        }
    }

    func finish(_ status: RunRecord.Status, message: String?) throws {
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
