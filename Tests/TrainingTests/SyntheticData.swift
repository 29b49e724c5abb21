import Corpus
import Foundation
import SeededRandom
import Training

/// In-memory stage data for loop tests: windows of a fixed pseudo-random token stream with
/// structure to learn (token t+1 = (3·t + 1) mod vocab, with occasional noise), in a seeded
/// order per epoch, so the loss falls and the stream can be saved and restored.
struct SyntheticData: StageData {
    let vocab: Int
    let context: Int
    let batchSize: Int
    let stream: [Int32]
    let windows: Int
    private(set) var position: LoaderPosition

    init(vocab: Int, context: Int, batchSize: Int, seed: UInt64, length: Int = 4096) {
        self.vocab = vocab
        self.context = context
        self.batchSize = batchSize
        var g = SplitMix64(seed: 42)
        var s: [Int32] = [1]
        for _ in 1..<length {
            let next = g.next(below: 10) == 0 ? Int32(g.next(below: UInt64(vocab))) : Int32((3 * Int(s.last!) + 1) % vocab)
            s.append(next)
        }
        stream = s
        windows = (length - 1) / context
        position = LoaderPosition(seed: seed, windowsPerEpoch: windows)
    }

    func window(_ w: Int) -> (ArraySlice<Int32>, ArraySlice<Int32>) {
        let start = w * context
        return (stream[start..<start + context], stream[start + 1...start + context])
    }

    mutating func nextBatch() -> TrainingBatch {
        var inputs: [Int32] = [], targets: [Int32] = []
        for _ in 0..<batchSize {
            if position.index == windows { position.epoch += 1; position.index = 0 }
            let order = TokenWindowLoader.permutation(count: windows, seed: position.seed, epoch: position.epoch)
            let (i, t) = window(Int(order[position.index]))
            position.index += 1
            inputs += i
            targets += t
        }
        return TrainingBatch(inputs: inputs, targets: targets, rows: batchSize, columns: context)
    }

    mutating func restore(_ saved: LoaderPosition) throws { position = saved }

    var validationBatchCount: Int { 2 }

    func validationBatch(_ i: Int) -> TrainingBatch {
        var inputs: [Int32] = [], targets: [Int32] = []
        for r in 0..<batchSize {
            let (x, y) = window(windows - 1 - (i * batchSize + r))
            inputs += x
            targets += y
        }
        return TrainingBatch(inputs: inputs, targets: targets, rows: batchSize, columns: context)
    }
}
