import ArgumentParser
import Foundation
import Models

/// `codetune export --model RUN_OR_CHECKPOINT --out DIR`: a directory `transformers` loads.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a checkpoint as a Hugging Face model directory.",
        discussion: """
            Copies config.json, model.safetensors and tokenizer.json (when present) after checking that the \
            checkpoint loads. The result loads with transformers.AutoModelForCausalLM.from_pretrained(DIR).
            """)

    @Option(name: .long, help: "A checkpoint directory, a run (its latest checkpoint), RUN:STAGE, or a run id or name.")
    var model: String

    @OptionGroup var selection: CheckpointSelection

    @Option(name: .long, help: "Directory to write (replaced if it holds an earlier export).")
    var out: String

    func run() throws {
        let source = try selection.locate(model).directory
        let summary = try exportCheckpoint(from: source, to: URL(fileURLWithPath: out))
        let c = summary.config
        print("exported \(source.path) to \(summary.directory.path): \(summary.files.joined(separator: ", "))")
        print("model: \(c.numHiddenLayers) layers, hidden \(c.hiddenSize), vocab \(c.vocabSize), \(c.parameterCount) parameters")
    }
}
