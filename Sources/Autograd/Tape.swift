// Tape: records each op's backward as it runs forward, then replays them in reverse.

/// A reverse-mode tape and the arena that holds its tensors.
///
/// Forward: every op (`tape.linear`, `tape.rmsNorm`, …) computes its output into the arena and, when the tape is
/// recording and an input requires a gradient, appends its backward step. `backward(loss)` seeds
/// d(loss)/d(loss) = 1 and runs the recorded steps newest first; each step reads its output's gradient and
/// *accumulates* into its inputs' gradients, so every parameter's gradient comes out of one pass.
///
/// Inference mode (`Tape(recording: false)`, or `Tape.inference()`): ops record nothing and produce tensors
/// that do not require gradients; the arena is still used, so call `reset()` between steps to reuse memory.
///
/// Lifetime: tape tensors keep the tape's memory alive (so `Tape.inference().linear(x, w)` is safe) but their
/// values are only valid until the tape's next `reset()`. Call `reset()` once per step (after the optimizer step); the
/// arena then reuses the same memory, so steady-state steps do no heap allocation for tensor data.
public final class Tape {
    /// Whether ops record their backward step.
    public let isRecording: Bool
    let arena: BufferArena
    private var steps: [(output: Tensor, run: () -> Void)] = []
    /// Gradient buffers of intermediate tensors whose producer's backward has run, by element count,
    /// reused by later `gradient(of:)` calls in the same backward pass.
    private var freeGradients: [Int: [UnsafeMutablePointer<Float>]] = [:]
    /// RoPE cos/sin tables by (headDim, theta bits), kept across steps.
    private var rotaryTables: [Int: RotaryTable] = [:]
    /// The bf16 operands of `linear`'s products when the tape runs them in bf16, else nil.
    let bf16: BF16Workspace?

    /// A tape. `recording: false` is inference mode (nothing recorded, no gradients).
    /// `precision` is the arithmetic of `linear`'s products (see `MatmulPrecision`); `.bf16` needs
    /// `BF16Products.isAvailable` (resolve a user's choice with `PrecisionSetting.resolved`).
    public init(recording: Bool = true, precision: MatmulPrecision = .fp32) {
        precondition(precision == .fp32 || BF16Products.isAvailable,
                     "Tape: bf16 products unavailable (\(BF16Products.unavailableReason))")
        self.isRecording = recording
        self.arena = BufferArena()
        self.bf16 = precision == .bf16 ? BF16Workspace() : nil
        steps.reserveCapacity(256)
    }

    /// The arithmetic of this tape's `linear` products.
    public var precision: MatmulPrecision { bf16 == nil ? .fp32 : .bf16 }

    /// A tape in inference mode (records nothing).
    public static func inference(precision: MatmulPrecision = .fp32) -> Tape {
        Tape(recording: false, precision: precision)
    }

    /// Number of recorded backward steps (for tests and diagnostics).
    public var recordedSteps: Int { steps.count }

    /// Bytes the arena has reserved from the heap (activation memory high-water mark).
    public var arenaBytes: Int { arena.reservedBytes }

    /// Forgets recorded steps and makes all tape memory reusable. Tensors made by this tape become invalid.
    /// A bf16 tape also forgets its bf16 weight copies here (made again, once, by the next step's products).
    public func reset() {
        steps.removeAll(keepingCapacity: true)
        for key in freeGradients.keys { freeGradients[key]!.removeAll(keepingCapacity: true) }
        bf16?.reset()
        arena.reset()
    }

    /// Runs the recorded backward steps newest first, starting from d(loss)/d(loss) = 1.
    /// `loss` must be a one-element tensor produced on this tape. Parameter gradients accumulate
    /// (call `zeroGrad` on them, or `AdamW.zeroGrad()`, before the next step's backward).
    /// Gradients of intermediate (op-produced) tensors are recycled as soon as their op's backward has run, so
    /// only leaf tensors (parameters, inputs made with `requiresGrad`) hold a gradient afterwards.
    public func backward(_ loss: Tensor) {
        precondition(loss.count == 1, "Tape.backward: loss must have one element, has shape \(loss.shape)")
        precondition(isRecording, "Tape.backward: the tape is in inference mode")
        guard loss.requiresGrad else { return }
        let g = gradient(of: loss)
        g[0] += 1
        for step in steps.reversed() {
            step.run()
            recycleGradient(of: step.output)
        }
        steps.removeAll(keepingCapacity: true)
    }

    // MARK: - Helpers for ops

    /// True when the op should record a backward step for these inputs.
    @inline(__always)
    func needsGrad(_ inputs: Tensor...) -> Bool {
        guard isRecording else { return false }
        for t in inputs where t.requiresGrad { return true }
        return false
    }

    /// A new tape tensor (uninitialised data).
    func makeTensor(_ shape: [Int], requiresGrad: Bool) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(viewing: arena.allocate(n), shape: shape, grad: nil, requiresGrad: requiresGrad, owner: arena)
    }

    /// Scratch floats valid until `reset()`.
    func scratch(_ count: Int) -> UnsafeMutablePointer<Float> { arena.allocate(count) }

    /// Appends the backward step of the op that produced `output`.
    func record(_ output: Tensor, _ step: @escaping () -> Void) { steps.append((output, step)) }

    /// The gradient buffer of `t`, zeroed on first use (parameters already have one): accumulate into it.
    func gradient(of t: Tensor) -> UnsafeMutablePointer<Float> {
        if let g = t.grad { return g }
        let g = takeBuffer(t.count)
        g.update(repeating: 0, count: t.count)
        t.setGrad(g, fromTape: true)
        return g
    }

    /// The gradient buffer of `t` and whether the caller must *overwrite* it (a new, uninitialised buffer)
    /// rather than accumulate into it (an existing gradient). Saves zeroing when an op is the first writer.
    func gradientForWrite(of t: Tensor) -> (UnsafeMutablePointer<Float>, overwrite: Bool) {
        if let g = t.grad { return (g, false) }
        let g = takeBuffer(t.count)
        t.setGrad(g, fromTape: true)
        return (g, true)
    }

    /// Hands `from`'s gradient buffer to `to` when `to` has none yet (returns false otherwise). Used when
    /// d`to` equals d`from` (reshape, the first operand of add) and `from`'s gradient is no longer needed.
    func moveGradient(from: Tensor, to: Tensor) -> Bool {
        guard to.grad == nil, from.gradFromTape, let g = from.grad else { return false }
        to.setGrad(g, fromTape: true)
        from.setGrad(nil, fromTape: false)
        return true
    }

    /// The cached RoPE table for (headDim, theta).
    func rotaryTable(headDim: Int, theta: Float) -> RotaryTable {
        let key = headDim << 32 | Int(theta.bitPattern)
        if let t = rotaryTables[key] { return t }
        let t = RotaryTable(headDim: headDim, theta: theta)
        rotaryTables[key] = t
        return t
    }

    private func takeBuffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        if let p = freeGradients[count]?.popLast() { return p }
        return arena.allocate(count)
    }

    private func recycleGradient(of t: Tensor) {
        guard t.gradFromTape, let g = t.grad else { return }
        t.setGrad(nil, fromTape: false)
        freeGradients[t.count, default: []].append(g)
    }
}
