// CrossEntropy: fused log-softmax + negative log-likelihood over the vocabulary, with an ignore index.

import Foundation

extension Tape {
    /// Mean cross-entropy: loss = (1/n) Σ_{i: targets[i] ≠ ignoreIndex} (logsumexp(logits[i, :]) − logits[i, targets[i]]),
    /// n the number of unmasked rows, as `torch.nn.functional.cross_entropy(..., ignore_index=-100)`.
    ///
    /// Shapes: `logits` [..., V] with `targets.count` rows (e.g. [B, T, V] or [B·T, V]) → scalar [].
    /// Targets other than `ignoreIndex` must be in 0..<V. When every row is ignored the loss is 0 with zero
    /// gradient (PyTorch returns NaN there; a batch without supervised tokens should not poison training).
    /// Per-row losses are summed in row order in Double (deterministic).
    /// Backward: dlogits[i, :] = dloss / n · (softmax(logits[i, :]) − onehot(targets[i])) for unmasked rows, 0 otherwise.
    public func crossEntropy(logits: Tensor, targets: [Int32], ignoreIndex: Int32 = -100) -> Tensor {
        let v = logits.lastDim, rows = logits.rows
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows of logits \(logits.shape)")
        let out = makeTensor([], requiresGrad: needsGrad(logits))
        let lse = scratch(rows), rowLoss = scratch(rows)
        let px = logits.data
        var n = 0
        targets.withUnsafeBufferPointer { tp in
            for i in 0..<rows where tp[i] != ignoreIndex {
                precondition(tp[i] >= 0 && Int(tp[i]) < v, "crossEntropy: target \(tp[i]) outside 0..<\(v)")
                n += 1
            }
            Parallel.forRanges(rows, costPerItem: 3 * v) { r in
                for i in r {
                    let target = tp[i]
                    if target == ignoreIndex { rowLoss[i] = 0; continue }
                    let row = px + i * v
                    let mx = maxOf(row, count: v)
                    let l = mx + logf(sumExpShifted(row, count: v, shift: mx))
                    lse[i] = l
                    rowLoss[i] = l - row[Int(target)]
                }
            }
        }
        var total = 0.0
        for i in 0..<rows { total += Double(rowLoss[i]) }
        let count = n
        out.data[0] = count == 0 ? 0 : Float(total / Double(count))
        guard out.requiresGrad else { return out }
        // With count == 0 the backward leaves the logits' gradient untouched (zero).
        record(out) { [unowned self] in
            guard let dy = out.grad, count > 0 else { return }
            let (dx, overwrite) = self.gradientForWrite(of: logits)
            let g = dy[0] / Float(count)
            targets.withUnsafeBufferPointer { tp in
                Parallel.forRanges(rows, costPerItem: 2 * v) { r in
                    for i in r {
                        let target = tp[i]
                        let row = px + i * v, drow = dx + i * v, l = lse[i]
                        if target == ignoreIndex {
                            if overwrite { drow.update(repeating: 0, count: v) }
                            continue
                        }
                        var j = 0
                        while j < v {
                            let m = min(8, v - j), e = exp8(load8(row + j, m) - l) * g
                            store8(overwrite ? e : load8(drow + j, m) + e, drow + j, m)
                            j += 8
                        }
                        drow[Int(target)] -= g
                    }
                }
            }
        }
        return out
    }
}
