import Autograd
import Foundation
@testable import Models
import SeededRandom
import XCTest

/// Completion batches are cut to their longest row (`CompletionBatchStream.lengthBuckets`). Rows are padded on
/// the right and padding takes no loss, so under the causal mask the cut columns change nothing a real position
/// sees: the loss and every gradient of a trimmed batch equal the full-width batch's up to float summation order.
final class TrimmedBatchTests: XCTestCase {
    func testCuttingRightPaddingLeavesLossAndGradientsUnchanged() {
        let config = MistralConfig(vocabSize: 40, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 32)
        var rng = SeededGenerator(seed: 5)
        let model = MistralModel(config: config, generator: &rng)
        let lengths = [5, 11, 8], full = 24, pad: Int32 = 0
        var ids: [[Int32]] = [], targets: [[Int32]] = []
        for n in lengths {
            let row: [Int32] = (0..<n).map { _ in Int32.random(in: 1..<40, using: &rng) }
            ids.append(row + [Int32](repeating: pad, count: full - n))
            // prompt (first 2 positions) and padding take no loss
            var labels = [Int32](repeating: -100, count: full)
            for t in 2..<(n - 1) { labels[t] = row[t + 1] }
            targets.append(labels)
        }
        func lossAndGradients(width: Int) -> (Float, [[Float]]) {
            let tape = Tape()
            for p in model.parameters { p.zeroGrad() }
            let loss = model.loss(tape, ids: ids.flatMap { $0.prefix(width) }, targets: targets.flatMap { $0.prefix(width) },
                                  batch: lengths.count, length: width)
            tape.backward(loss)
            return (loss.item, model.parameters.map { p in (0..<p.count).map { p.grad![$0] } })
        }
        let (fullLoss, fullGrads) = lossAndGradients(width: full)
        let (cutLoss, cutGrads) = lossAndGradients(width: lengths.max()!)
        XCTAssertEqual(cutLoss, fullLoss, accuracy: 1e-6 * abs(fullLoss))
        for (a, b) in zip(fullGrads, cutGrads) {
            let scale = max(a.map(abs).max() ?? 0, 1e-12)
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-5 * scale)
        }
        XCTAssertGreaterThan(fullGrads.flatMap { $0 }.map(abs).max() ?? 0, 0, "the gradients are not all zero")
    }
}
