import FileFormats
import Foundation
import Models

/// Refuses `-n` samples of the checkpoint in `directory` when their KV caches cannot fit in this machine's
/// memory, before any weights are read: "-n 100000 needs ~23 GB for the KV cache; at most N fit …".
/// A checkpoint whose config cannot be read is left to the loader's own error.
func requireSamplesFit(_ n: Int, checkpoint directory: URL) throws {
    guard let config = try? MistralConfig.load(from: directory.appendingPathComponent("config.json")) else { return }
    let positions = config.maxPositionEmbeddings
    try MemoryEstimate.requireFits("-n", value: n, for: "the KV cache (\(positions) positions each)") {
        MemoryEstimate.sampling(config, n: $0, positions: positions)
    }
}
