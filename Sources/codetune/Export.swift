import ArgumentParser
import Foundation
import Models

/// `codetune export --model CHECKPOINT --out DIR`: a directory `transformers` loads.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a checkpoint as a Hugging Face model directory.",
        discussion: """
            Copies config.json, model.safetensors and tokenizer.json (when present) after checking that the \
            checkpoint loads. The result loads with transformers.AutoModelForCausalLM.from_pretrained(DIR).
            """)

    @Option(name: .long, help: "Checkpoint directory (config.json + model.safetensors).")
    var model: String

    @Option(name: .long, help: "Directory to write (replaced if it holds an earlier export).")
    var out: String

    func run() throws {
        let source = try resolveCheckpointDirectory(model)
        let summary = try exportCheckpoint(from: source, to: URL(fileURLWithPath: out))
        let c = summary.config
        print("exported \(source.path) to \(summary.directory.path): \(summary.files.joined(separator: ", "))")
        print("model: \(c.numHiddenLayers) layers, hidden \(c.hiddenSize), vocab \(c.vocabSize), \(c.parameterCount) parameters")
    }
}
