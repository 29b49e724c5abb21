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
/// Lifetime: tape tensors live until `reset()`. Call `reset()` once per step (after the optimizer step); the
/// arena then reuses the same memory, so steady-state steps do no heap allocation for tensor data.
public final class Tape {
    /// Whether ops record their backward step.
    public let isRecording: Bool
    let arena: BufferArena
    private var steps: [() -> Void] = []

    /// A tape. `recording: false` is inference mode (nothing recorded, no gradients).
    public init(recording: Bool = true) {
        self.isRecording = recording
        self.arena = BufferArena()
        steps.reserveCapacity(256)
    }

    /// A tape in inference mode (records nothing).
    public static func inference() -> Tape { Tape(recording: false) }

    /// Number of recorded backward steps (for tests and diagnostics).
    public var recordedSteps: Int { steps.count }

    /// Bytes the arena has reserved from the heap (activation memory high-water mark).
    public var arenaBytes: Int { arena.reservedBytes }

    /// Forgets recorded steps and makes all tape memory reusable. Tensors made by this tape become invalid.
    public func reset() {
        steps.removeAll(keepingCapacity: true)
        arena.reset()
    }

    /// Runs the recorded backward steps newest first, starting from d(loss)/d(loss) = 1.
    /// `loss` must be a one-element tensor produced on this tape. Parameter gradients accumulate
    /// (call `zeroGrad` on them, or `AdamW.zeroGrad()`, before the next step's backward).
    public func backward(_ loss: Tensor) {
        precondition(loss.count == 1, "Tape.backward: loss must have one element, has shape \(loss.shape)")
        precondition(isRecording, "Tape.backward: the tape is in inference mode")
        guard loss.requiresGrad else { return }
        let g = gradient(of: loss)
        g[0] += 1
        for step in steps.reversed() { step() }
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
        return Tensor(viewing: arena.allocate(n), shape: shape, requiresGrad: requiresGrad)
    }

    /// Scratch floats valid until `reset()`.
    func scratch(_ count: Int) -> UnsafeMutablePointer<Float> { arena.allocate(count) }

    /// Appends a backward step.
    func record(_ step: @escaping () -> Void) { steps.append(step) }

    /// The gradient buffer of `t`, allocated zeroed in the arena on first use (parameters already have one).
    func gradient(of t: Tensor) -> UnsafeMutablePointer<Float> {
        if let g = t.grad { return g }
        let g = arena.allocateZeroed(t.count)
        t.setGrad(g)
        return g
    }
}
