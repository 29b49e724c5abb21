import ArgumentParser

/// `codetune model inspect`: pretrained model files, read only.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Look into pretrained model files (GGUF).",
        subcommands: [ModelInspect.self]
    )
}
