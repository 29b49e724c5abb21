import ArgumentParser
import Collectives
import FileFormats
import Foundation
import Models
import RunStore
import Training

/// `codetune train CONFIG.yaml [--runs-dir DIR] [--resume RUN] [--quiet] [--check]`
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the stages of a run config; the run's history lands in RUNS/<name>/<run-id>/.",
        discussion: """
        Exit status: 0 trained, 1 stopped by a NaN/inf loss or an eval threshold missed, 2 bad config or \
        input (or an eval that cannot run), 130 / 143 after SIGINT / SIGTERM (the step is finished and \
        checkpointed; continue with --resume RUN). The config's evals run on the final checkpoint of their stages. \
        Under `mpirun -np N` the ranks train one run in data parallel (grad_accum a multiple of N); rank 0 \
        writes the run and prints.
        """)

    @Argument(help: "The run config (Runs/*.yaml). Optional with --resume, which uses the run's own config.")
    var config: String?

    @Option(name: .long, help: "Directory for run histories.")
    var runsDir: String = "Runs"

    @Option(name: .long, help: "Continue a run (directory, id or name) from its latest checkpoint.")
    var resume: String?

    @Flag(name: .long, help: "Only check, without training, everything train checks before step 1 (config, every stage's data, init_from, tokenizer, peak memory) and exit.")
    var check = false

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        if check && config == nil { throw ValidationError("--check needs a config file") }
        if config == nil && resume == nil { throw ValidationError("give a config file, or --resume RUN") }
    }

    func run() throws {
        try ProcessGroup.world.whole { try train(group: ProcessGroup.world) }
    }

    func train(group: ProcessGroup) throws {
        let printer = ProgressPrinter.standardError(quiet: quiet || !group.isRoot)
        if check, let config {
            let parsed = try RunConfig.load(URL(fileURLWithPath: config))
            try RunPreflight.check(parsed)
            var memory = ""
            if case .fresh(let shape) = parsed.model {
                memory = "; peak memory \(MemoryEstimate.describe(RunPreflight.peakMemory(parsed, model: shape))) of \(MemoryEstimate.describe(MemoryEstimate.available))"
            } else if case .initFrom(let dir) = parsed.model, let shape = try? MistralConfig.load(from: dir.appendingPathComponent("config.json")) {
                memory = "; peak memory \(MemoryEstimate.describe(RunPreflight.peakMemory(parsed, model: shape))) of \(MemoryEstimate.describe(MemoryEstimate.available))"
            }
            print("\(config): ok (\(parsed.stages.count) stage\(parsed.stages.count == 1 ? "" : "s"): \(parsed.stages.map { "\($0.name) \($0.steps) steps" }.joined(separator: ", "))\(memory))")
            return
        }
        let signals = StopSignals()
        signals.install()
        let session: TrainingSession
        if let resume {
            let dir = try RunCatalog(runsDir: URL(fileURLWithPath: runsDir)).resolve(resume)
            if let config {
                var given = try RunConfig.load(URL(fileURLWithPath: config))
                let own = try RunConfig.load(dir.configURL)
                // The run recorded its config with the vocabulary filled in from the tokenizer (`vocab_size: 0`
                // or absent means "the tokenizer's"), so the user's own file still matches with it left out.
                if case .fresh(var shape) = given.model, shape.vocabSize == 0, case .fresh(let recorded) = own.model {
                    shape.vocabSize = recorded.vocabSize
                    given.model = .fresh(shape)
                }
                if body(given.resolvedYAML()) != body(own.resolvedYAML()) {
                    throw InputError(file: config, "differs from the config of run \(dir.url.path); resume takes the run's own config (omit CONFIG)")
                }
            }
            session = try TrainingSession.resume(runDirectory: dir.url, group: group, note: printer.note)
        } else if let config {
            let parsed = try RunConfig.load(URL(fileURLWithPath: config))
            session = try TrainingSession.start(config: parsed, runsDir: URL(fileURLWithPath: runsDir), group: group, note: printer.note)
        } else {
            return
        }
        let quitting = SessionForSignals(session)
        signals.onQuit { quitting.session.markQuit(signal: $0) }
        // The session runs the config's evals at the end of stages and decides which gate: a missed threshold
        // on a gated eval makes the exit status 1, an eval that cannot run 2 — after training has finished and
        // been recorded either way.
        let result = try session.run(observer: printer.handle, shouldStop: { signals.signal != nil })
        printer.finish()
        switch result.outcome {
        case .completed:
            printer.note("run \(session.run.url.lastPathComponent) completed: \(session.run.url.path)")
            if result.evalCouldNotRun {
                throw InputError(file: "train", "an eval after a stage could not run (its reason is above); the training itself completed and is recorded")
            }
            if result.gateFailed { throw ExitCode(1) }
        case .interrupted(let step):
            printer.note("interrupted at step \(step); continue with: codetune train --resume \(session.run.url.path)")
            throw ExitCode(signals.exitStatus ?? 130)
        case .failed(let message):
            printError("training failed: \(message)")
            throw ExitCode(1)
        }
    }

    /// The resolved config without its first (comment) line, which names the source file.
    func body(_ yaml: String) -> Substring { yaml.drop { $0 != "\n" } }
}

/// The session as seen from the signal queue, which only marks it quit before the process exits.
private final class SessionForSignals: @unchecked Sendable {
    let session: TrainingSession
    init(_ session: TrainingSession) { self.session = session }
}
