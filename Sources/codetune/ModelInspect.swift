import ArgumentParser
import FileFormats
import Foundation
import Tokenizer

/// `codetune model inspect FILE.gguf [--tensors]`: architecture, metadata, tensor types and shapes, tokenizer.
struct ModelInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a GGUF file's metadata, tensor types and shapes, and its tokenizer.",
        discussion: """
        Arrays in the metadata are shown as their element type and length. Shapes are in PyTorch order \
        ([out, in]); GGUF stores them reversed. Reads only the header: nothing is dequantized.
        """
    )

    @Argument(help: "A .gguf file.")
    var file: String

    @Flag(help: "List every tensor (name, shape, type) instead of a count per type.")
    var tensors = false

    func run() throws {
        let f = try GGUFFile(contentsOf: URL(fileURLWithPath: file))
        print("\(file): GGUF v\(f.version), \(f.tensors.count) tensors, alignment \(f.alignment)")
        print("architecture: \(f.architecture ?? "(none)")")
        let width = f.keys.map(\.count).max() ?? 0
        for key in f.keys {
            print("  \(key.padding(toLength: width, withPad: " ", startingAt: 0))  \(f.metadata[key]!.summary)")
        }
        var byType: [GGMLType: (count: Int, values: Int)] = [:]
        for t in f.tensors { byType[t.type, default: (0, 0)].count += 1; byType[t.type]!.values &+= t.count }
        let total = f.tensors.reduce(0) { $0 &+ $1.count }
        print("tensors: \(total) values; " + byType.sorted { ($1.value.count, $0.key.rawValue) < ($0.value.count, $1.key.rawValue) }
            .map { "\($0.value.count) \($0.key.name)\($0.key.isDequantizable ? "" : " (not supported)")" }.joined(separator: ", "))
        if tensors {
            let nameWidth = f.tensors.map(\.name.count).max() ?? 0
            for t in f.tensors {
                print("  \(t.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0))  \(t.type.name.padding(toLength: 5, withPad: " ", startingAt: 0))  \(t.shape)")
            }
        }
        if f.metadata["tokenizer.ggml.model"] != nil {
            do {
                let g = try GGUFTokenizer(gguf: f)
                let ids = [("bos", g.bosId), ("eos", g.eosId), ("unk", g.unknownId), ("pad", g.paddingId)]
                    .compactMap { name, id in id.map { "\(name) \($0)" } }.joined(separator: ", ")
                print("tokenizer: byte-level BPE, pre-tokenizer \(g.preTokenizer), \(g.tokenizer.vocabularySize) tokens, "
                      + "\(g.tokenizer.merges.count) merges, \(g.tokenizer.addedTokens.count) added tokens; \(ids)")
            } catch let e as InputError {
                print("tokenizer: not usable: \(e.problem)")
            }
        }
    }
}
