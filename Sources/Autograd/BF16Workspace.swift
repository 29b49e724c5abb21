// BF16Workspace: a tape's bf16 copies of product operands, and the bf16 product itself.

import CBF16

/// The bf16 operands of one tape's products, kept until the tape's `reset()`:
/// - each weight is rounded to bf16 once per step (the first product that reads it), then reused by the
///   forward product and the dX backward product of every later use in that step;
/// - the most recent activation (one slot: q/k/v and gate/up read the same input one after another, and
///   their backward products run back to back too) and the most recent block of an output gradient (read
///   by both backward products of one op; at most `gradientBlockElements`).
/// Holding the tensors keeps them alive, so an identity cannot be reused by another tensor while cached.
final class BF16Workspace {
    private var weights: [ObjectIdentifier: (tensor: Tensor, bits: UnsafeMutablePointer<UInt16>)] = [:]
    private var activationOwner: Tensor?
    private let activation = GrowableBF16Buffer()
    private let gradient = GrowableBF16Buffer()

    /// Most output-gradient elements rounded to bf16 at once (8 MiB of bf16); a backward product with a larger
    /// dy runs in blocks of rows. Tests lower it to exercise the blocks.
    nonisolated(unsafe) static var gradientBlockElements = 1 << 22

    deinit { for entry in weights.values { entry.bits.deallocate() } }

    /// Forgets every cached copy (the weights may change before the next product).
    func reset() {
        for entry in weights.values { entry.bits.deallocate() }
        weights.removeAll(keepingCapacity: true)
        activationOwner = nil
    }

    /// The bf16 copy of weight `w` for this step.
    func weight(_ w: Tensor) -> UnsafePointer<UInt16> {
        let key = ObjectIdentifier(w)
        if let entry = weights[key] { return UnsafePointer(entry.bits) }
        let bits = UnsafeMutablePointer<UInt16>.allocate(capacity: max(w.count, 1))
        BF16Workspace.convert(w.data, bits, count: w.count)
        weights[key] = (w, bits)
        return UnsafePointer(bits)
    }

    /// The bf16 copy of activation `x`, valid until the next `activation(_:)` of another tensor.
    func activation(_ x: Tensor) -> UnsafePointer<UInt16> {
        if activationOwner === x { return UnsafePointer(activation.pointer) }
        let bits = activation.reserve(x.count)
        BF16Workspace.convert(x.data, bits, count: x.count)
        activationOwner = x
        return UnsafePointer(bits)
    }

    /// `count` floats at `g` rounded to bf16, valid until the next call.
    func gradient(_ g: UnsafePointer<Float>, count: Int) -> UnsafePointer<UInt16> {
        let bits = gradient.reserve(count)
        BF16Workspace.convert(g, bits, count: count)
        return UnsafePointer(bits)
    }

    /// Rounds `count` floats to bf16, split over the workers.
    static func convert(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int) {
        Parallel.forRanges(count, costPerItem: 1) { r in
            cbf16_convert(src + r.lowerBound, dst + r.lowerBound, r.count)
        }
    }
}

/// A reusable bf16 buffer that only grows.
private final class GrowableBF16Buffer {
    private(set) var pointer = UnsafeMutablePointer<UInt16>.allocate(capacity: 1)
    private var capacity = 1

    deinit { pointer.deallocate() }

    /// The buffer, at least `count` elements long (old contents are not kept when it grows).
    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt16> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }
        return pointer
    }
}

/// C = op(A) · op(B) + beta · C with bf16 A and B and Float32 C (row-major, strides as `sgemm`'s), through
/// oneDNN. beta is 0 or 1. Precondition: `BF16Products.isAvailable`.
@inline(__always)
func bf16gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
              a: UnsafePointer<UInt16>, lda: Int, b: UnsafePointer<UInt16>, ldb: Int,
              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) } }
        return
    }
    let status = cbf16_gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, b, ldb, beta, c, ldc)
    precondition(status == 0, "bf16 product [\(m), \(k)]·[\(k), \(n)] failed in oneDNN")
}
