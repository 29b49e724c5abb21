import ArgumentParser
import Autograd
import Evaluation
import FileFormats
import Foundation
import Problems

/// `codetune sample --model RUN_OR_CHECKPOINT --prompt TEXT`: completions of one prompt.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Print completions of a prompt sampled from a run or checkpoint.",
        discussion: """
            --model is a checkpoint directory, a run directory or run id/name under --runs-dir (its latest checkpoint) or RUN:STAGE (the end of \
            STAGE). Prints the completion only (not the prompt); with -n > 1 each one follows a "--- sample J ---" \
            line. Sample J is seeded from (--seed, J), so the same seed gives the same completions. A prompt longer \
            than the context keeps its last tokens (a note on stderr says how many were dropped).
            """)

    @Option(help: "Checkpoint directory, run directory, or RUN:STAGE.")
    var model: String

    @OptionGroup var selection: CheckpointSelection

    @Option(help: "The prompt text.")
    var prompt: String?

    @Option(help: "Read the prompt from this file ('-' for stdin).")
    var promptFile: String?

    @OptionGroup var sampling: SamplingOptions

    @Option(help: "Decoder projection arithmetic: fp32, bf16 (bf16 weights, where the CPU has bf16) or auto.")
    var precision = PrecisionSetting.fp32

    @Option(help: "Cut a completion at this text (repeatable; default: none).")
    var stop: [String] = []

    @Flag(help: "Cut completions at HumanEval's stop sequences (\\nclass, \\ndef, \\n#, \\nif, \\nprint).")
    var humanevalStops = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        if (prompt == nil) == (promptFile == nil) { throw ValidationError("give exactly one of --prompt, --prompt-file") }
        if stop.contains("") { throw ValidationError("--stop must not be empty") }
    }

    func run() throws {
        let text: String
        if let prompt {
            text = prompt
        } else if let promptFile, promptFile == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            let path = promptFile!
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw InputError.cannotRead(URL(fileURLWithPath: path), error) }
            guard let prompt = String(data: data, encoding: .utf8) else { throw InputError(file: path, "not UTF-8 text") }
            text = prompt
        }
        let directory = try selection.locate(model).directory
        try requireSamplesFit(sampling.n ?? 1, checkpoint: directory)
        let sampler = try ModelSampler(checkpoint: directory)
        if let note = precision.fallbackNote { printError(note) }
        sampler.model.setDecodePrecision(precision.resolved)
        var settings = sampling.applied(to: SamplingSettings())
        settings.stop = stop + (humanevalStops ? humanEvalStopSequences : [])
        let n = sampling.n ?? 1, seed = sampling.seed ?? 0
        let g = try sampler.generate(prompt: text, n: n, settings: settings, seed: seed)
        if g.droppedPromptTokens > 0 && !json {
            printError("note: the prompt is longer than the context; its first \(g.droppedPromptTokens) tokens were dropped")
        }
        let tokens = g.generatedTokens.reduce(0, +)
        if json {
            let object: [String: Any] = [
                "checkpoint": directory.path,
                "completions": g.completions,
                "finish_reasons": g.finishReasons.map(\.rawValue),
                "generated_tokens": g.generatedTokens,
                "prompt_tokens": g.promptTokens,
                "dropped_prompt_tokens": g.droppedPromptTokens,
                "seconds": g.seconds,
                "tokens_per_s": g.seconds > 0 ? Double(tokens) / g.seconds : 0,
                "settings": ["temperature": settings.temperature, "top_p": settings.topP, "top_k": settings.topK,
                             "max_new_tokens": settings.maxNewTokens, "seed": seed, "n": n, "stop": settings.stop] as [String: Any],
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        for (j, completion) in g.completions.enumerated() {
            if n > 1 { print("--- sample \(j) ---") }
            print(completion, terminator: completion.hasSuffix("\n") ? "" : "\n")
        }
        printError(String(format: "%d tokens in %.2f s (%.1f tokens/s)", tokens, g.seconds, g.seconds > 0 ? Double(tokens) / g.seconds : 0))
    }
}
