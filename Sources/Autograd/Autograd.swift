// Autograd
//
// Reverse-mode autograd over OpenBLAS: Float32 tensors, a tape, ops with their backward, AdamW.

/// # Autograd: the numerical core of codetune
///
/// Float32 `Tensor`s (one contiguous row-major buffer each), a reverse-mode `Tape` that records each op's
/// backward as the forward runs, fused ops for a Mistral-style decoder (one file per op, forward and backward
/// side by side), `AdamW` and gradient clipping. Initialisation draws from SeededRandom's `SeededGenerator`.
///
/// ## Parameters
///
///     var rng = SeededGenerator(seed: 1234)
///     let w = Tensor(zeros: [out, inp], requiresGrad: true)   // owned; grad buffer allocated and zeroed
///     w.fillNormal(std: 0.02, using: &rng)
///     let norm = Tensor(zeros: [inp], requiresGrad: true); norm.fill(1)
///
/// ## A training step
///
///     let tape = Tape()                                   // make once, reuse every step
///     let x = tape.embedding(emb, ids: ids, batchShape: [B, T])          // [B, T, D]
///     let h = tape.rmsNorm(x, weight: norm, eps: 1e-5)
///     let q = tape.rotaryEmbedding(tape.linear(h, wq), headDim: hd, theta: 10000)  // [B, T, H·hd]
///     let k = tape.rotaryEmbedding(tape.linear(h, wk), headDim: hd, theta: 10000)  // [B, T, KV·hd]
///     let a = tape.attention(query: q, key: k, value: tape.linear(h, wv), heads: H, kvHeads: KV)
///     ...
///     let loss = tape.crossEntropy(logits: logits, targets: labels)    // ignore index -100; scalar
///     optimizer.zeroGrad()            // gradients accumulate until zeroed
///     tape.backward(loss)             // fills .grad of every parameter reached
///     let gradNorm = clipGradientNorm(params, maxNorm: 1.0)   // pre-clip norm, as torch returns
///     optimizer.step()
///     let value = loss.item           // read what you need before…
///     tape.reset()                    // …recycling the tape's memory (its tensors become invalid)
///
/// Read a gradient with `param.grad` (pointer, `param.count` floats) or `param.gradScalars` (a copy).
/// Only leaves (parameters, tensors made with `requiresGrad: true`) keep a gradient after `backward`;
/// intermediate gradients are recycled as the pass goes.
///
/// ## Inference (KV-cache sampling)
///
/// `Tape(recording: false)` (or `Tape.inference()`) runs the same ops without recording anything or making
/// gradients. Keep the KV cache in owned tensors (`Tensor(zeros:)`), copy each step's new keys/values in,
/// view the cache with `Tensor(viewing:shape:)` or pass it whole with `attention(..., keyLength:)`, and use
/// `rotaryEmbedding(..., positionOffset: cacheLength)`. Call `reset()` after each decoding step.
///
/// KV-cache decoding in Models does not use the tape: `InferenceKernels` holds its fused loops (row-wise
/// linear via sgemv/sgemm, RMSNorm, RoPE, SwiGLU, attention over a transposed key cache) on raw buffers.
///
/// ## Ops (all on `Tape`)
///
/// `linear`, `matmul`, `add`, `multiply`, `scale`, `reshape`, `embedding`, `rmsNorm`, `rotaryEmbedding`,
/// `silu`, `swiglu`, `attention`, `crossEntropy`, `sum`, `mean`.
///
/// ## Precision
///
/// `Tape(precision: .bf16)` runs `linear`'s three products (forward, dX, dW) with bf16 operands and Float32
/// accumulation through oneDNN (the `CBF16` shim, loaded at run time); weights are rounded to bf16 once per
/// step (until `reset()`), everything else stays Float32. `BF16Products.isAvailable` says whether this
/// machine can; `PrecisionSetting` (fp32 | bf16 | auto) resolves a user's choice. The default, `.fp32`, is
/// unchanged by all of this.
///
/// ## Optimizer
///
/// `AdamW(parameters:decay:learningRate:beta1:beta2:eps:weightDecay:)` matches `torch.optim.AdamW`;
/// `decay[i]` chooses weight decay per parameter (the model decays linear-layer matrices only, not norms and
/// not the tied embedding). `firstMoments`, `secondMoments` and `stepCount` are the state to checkpoint.
///
/// ## Threads, speed figures and determinism
///
/// `Parallel.setThreads(n)` sets the worker count of every kernel (default: active processor count).
/// OpenBLAS itself runs single-threaded; large products are split into `n` blocks run concurrently, as are the
/// hand-written loops. `Parallel.sgemmPeakFLOPS()` measures the sgemm peak in-process (the MFU denominator).
/// The same inputs, seed and thread count give bit-identical results. `tape.arenaBytes` is the activation
/// memory a step reserved; after the first step a step allocates no tensor memory (only small bookkeeping
/// objects: tensor headers, backward closures). A `Tape` is used from one thread at a time; the kernels
/// parallelise internally.
public enum Autograd {}
