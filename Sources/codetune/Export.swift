import ArgumentParser
import Foundation
import Models

/// `codetune export --model RUN_OR_CHECKPOINT --out DIR [--adapter]`: a directory `transformers` loads, or
/// (`--adapter`, a LoRA stage's checkpoint) the adapter alone in PEFT's format.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a checkpoint as a Hugging Face model directory.",
        discussion: """
            Copies config.json, model.safetensors and tokenizer.json (when present) after checking that the \
            checkpoint loads. The result loads with transformers.AutoModelForCausalLM.from_pretrained(DIR). \
            A LoRA stage's checkpoint is exported merged (base + adapters folded in); with --adapter, only its \
            adapter is written (adapter_config.json, adapter_model.safetensors), which \
            peft.PeftModel.from_pretrained(base_model, DIR) loads onto the base.
            """)

    @Option(name: .long, help: "A checkpoint directory, a run (its latest checkpoint), RUN:STAGE, or a run id or name.")
    var model: String

    @OptionGroup var selection: CheckpointSelection

    @Option(name: .long, help: "Directory to write (replaced if it holds an earlier export).")
    var out: String

    @Flag(name: .long, help: "Write a LoRA checkpoint's adapter alone, in PEFT's format, instead of the merged model.")
    var adapter = false

    func run() throws {
        let source = try selection.locate(model).directory
        let destination = URL(fileURLWithPath: out)
        let summary = try adapter ? exportAdapter(from: source, to: destination) : exportCheckpoint(from: source, to: destination)
        let c = summary.config
        print("exported \(source.path) to \(summary.directory.path): \(summary.files.joined(separator: ", "))")
        print("model: \(c.numHiddenLayers) layers, hidden \(c.hiddenSize), vocab \(c.vocabSize), \(c.parameterCount) parameters")
    }
}
