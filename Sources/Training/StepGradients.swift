import Autograd
import Collectives

/// The gradient of one optimizer step when it is built from more than one micro-batch: the micro-batches
/// of this process (`grad_accum`, and under `mpirun` every rank's share) each computed from zeroed
/// gradients and summed here, then summed over the ranks with one allreduce of this flat buffer.
///
/// Why sum apart rather than let backward accumulate: backward adds into a parameter's gradient
/// piece by piece (sgemm with β = 1, block by block), so micro-batch 2 landing on micro-batch 1's
/// gradient rounds differently from g₁ + g₂. Summing whole micro-batch gradients makes one process
/// with `grad_accum: 2` compute exactly g₁ + g₂ — the same one addition per element that an allreduce
/// between 2 ranks makes (a + b = b + a in IEEE arithmetic), so the two agree bit for bit.
public final class StepGradients {
    let parameters: [Tensor]
    /// Parameters' elements, in parameter order.
    public let count: Int
    let buffer: UnsafeMutablePointer<Float>

    public init(parameters: [Tensor]) {
        self.parameters = parameters
        count = parameters.reduce(0) { $0 + $1.count }
        buffer = .allocate(capacity: max(1, count))
        buffer.initialize(repeating: 0, count: max(1, count))
    }

    deinit { buffer.deallocate() }

    /// Adds the parameters' gradients (one micro-batch's) into the buffer; `first` copies instead.
    public func add(first: Bool) {
        var offset = 0
        for p in parameters {
            let out = buffer + offset
            if let g = p.grad {
                if first { out.update(from: g, count: p.count) } else { for j in 0..<p.count { out[j] += g[j] } }
            } else if first {
                out.update(repeating: 0, count: p.count)
            }
            offset += p.count
        }
    }

    /// Sums the buffer over `group` in place (nothing in a group of one).
    public func allreduce(_ group: ProcessGroup) throws {
        try group.sum(buffer, count: count)
    }

    /// Copies the buffer back into the parameters' gradients.
    public func writeBack() {
        var offset = 0
        for p in parameters {
            if let g = p.grad { g.update(from: buffer + offset, count: p.count) }
            offset += p.count
        }
    }
}
