// Tensor: one contiguous row-major Float32 buffer, a shape, and (when it needs one) a gradient buffer.

/// A Float32 tensor: `count = shape.reduce(1, *)` contiguous row-major floats at `data`.
///
/// Two kinds exist:
/// - **Owned** tensors (`init(zeros:requiresGrad:)`, `init(shape:scalars:requiresGrad:)`) allocate their
///   own memory and free it when released. Parameters are owned tensors with `requiresGrad: true`; their
///   `grad` buffer is allocated (zeroed) at creation and gradients *accumulate* into it until `zeroGrad()`.
/// - **Tape** tensors are made by ops on a `Tape`: their data (and their gradient, allocated lazily during
///   `backward`) live in the tape's arena and are valid only until the next `Tape.reset()`.
///   Keep nothing from a tape past its reset (copy out with `scalars`, or into an owned tensor).
///
/// A scalar (e.g. a loss) has `shape == []` and `count == 1`.
public final class Tensor {
    /// Dimensions, outermost first. `[]` is a scalar.
    public let shape: [Int]
    /// Number of elements (product of `shape`; 1 for a scalar).
    public let count: Int
    /// The values, `count` contiguous floats in row-major order.
    public let data: UnsafeMutablePointer<Float>
    /// The gradient d(loss)/d(self), same layout as `data`; nil until needed.
    /// For parameters it always exists and accumulates across `backward` calls.
    public internal(set) var grad: UnsafeMutablePointer<Float>?
    /// Whether ops on a recording tape track this tensor (and so produce its gradient).
    public let requiresGrad: Bool
    /// True when `data`/`grad` were allocated by this tensor (and are freed in `deinit`).
    let ownsMemory: Bool
    /// Whatever owns the memory of a non-owning tensor (a tape's arena, a base tensor), kept alive with it.
    let memoryOwner: AnyObject?

    /// An owned tensor of zeros. With `requiresGrad`, a zeroed gradient buffer is allocated too (a parameter).
    public init(zeros shape: [Int], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.data = .allocate(capacity: max(count, 1))
        self.data.initialize(repeating: 0, count: max(count, 1))
        self.requiresGrad = requiresGrad
        self.ownsMemory = true
        self.memoryOwner = nil
        if requiresGrad {
            let g = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            g.initialize(repeating: 0, count: max(count, 1))
            self.grad = g
        } else {
            self.grad = nil
        }
    }

    /// An owned tensor holding a copy of `scalars` (row-major; `scalars.count` must equal the shape's product).
    public convenience init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
        self.init(zeros: shape, requiresGrad: requiresGrad)
        precondition(scalars.count == count, "Tensor: \(scalars.count) scalars for shape \(shape)")
        scalars.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// A tensor over memory owned by someone else (a KV cache, a tape arena). Never frees `data` or `grad`.
    /// The memory must hold `shape`'s product of floats and outlive this tensor.
    public convenience init(viewing data: UnsafeMutablePointer<Float>, shape: [Int],
                            grad: UnsafeMutablePointer<Float>? = nil, requiresGrad: Bool = false) {
        self.init(viewing: data, shape: shape, grad: grad, requiresGrad: requiresGrad, owner: nil)
    }

    /// A non-owning tensor that keeps `owner` (the holder of `data`) alive.
    init(viewing data: UnsafeMutablePointer<Float>, shape: [Int], grad: UnsafeMutablePointer<Float>?,
         requiresGrad: Bool, owner: AnyObject?) {
        self.memoryOwner = owner
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.data = data
        self.grad = grad
        self.requiresGrad = requiresGrad
        self.ownsMemory = false
    }

    deinit {
        if ownsMemory {
            data.deallocate()
            grad?.deallocate()
        }
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The values as a mutable buffer (`count` floats).
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: data, count: count) }

    /// A copy of the values (row-major).
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// A copy of the gradient, or nil when none has been computed.
    public var gradScalars: [Float]? { grad.map { Array(UnsafeBufferPointer(start: $0, count: count)) } }

    /// The single value of a one-element tensor (a loss).
    public var item: Float {
        precondition(count == 1, "Tensor.item: tensor has \(count) elements")
        return data[0]
    }

    /// Sets the gradient to zero (no-op when there is none).
    public func zeroGrad() {
        if let g = grad { g.update(repeating: 0, count: count) }
    }

    /// Overwrites the values with `scalars` (count must match).
    public func copy(from scalars: [Float]) {
        precondition(scalars.count == count, "Tensor.copy: \(scalars.count) scalars for \(count) elements")
        scalars.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// Overwrites the values with another tensor's (same element count; shapes may differ).
    public func copy(from other: Tensor) {
        precondition(other.count == count, "Tensor.copy: \(other.count) elements into \(count)")
        data.update(from: other.data, count: count)
    }

    /// Product of all dimensions but the last (the number of "rows" of a [..., n] tensor).
    var rows: Int { shape.isEmpty ? 1 : count / max(shape[shape.count - 1], 1) }
    /// The last dimension (1 for a scalar).
    var lastDim: Int { shape.last ?? 1 }

    /// True when `grad` is a tape buffer this tensor holds (recycled once its producer's backward has run).
    var gradFromTape = false

    /// Installs a gradient buffer (tape-owned memory) on a tape tensor.
    func setGrad(_ g: UnsafeMutablePointer<Float>?, fromTape: Bool) {
        grad = g
        gradFromTape = fromTape && g != nil
    }
}
