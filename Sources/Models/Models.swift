// Models
//
// The Mistral-style decoder, its config, initialisation, KV-cache inference and checkpoint files.

/// # Models: the Mistral-style decoder and its files
///
/// ## Build, train, save
///
///     var rng = SeededGenerator(seed: 1234)
///     let model = MistralModel(config: config, generator: &rng)     // transformers' init: N(0, 0.02²), norms 1
///     let optimizer = AdamW(parameters: model.parameters, decay: model.decayFlags, learningRate: 3e-4, ...)
///     let tape = Tape()
///     let loss = model.loss(tape, ids: ids, targets: targets, batch: B, length: T)   // targets aligned, -100 masked
///     optimizer.zeroGrad(); tape.backward(loss); clipGradientNorm(model.parameters, maxNorm: 1); optimizer.step()
///     tape.reset()
///     try model.save(to: checkpointDir) { tmp in /* optimizer.safetensors, state.json, tokenizer.json */ }
///
/// `model.parameters[i]` is `model.parameterSpecs[i]` (Hugging Face name, shape, decay flag).
/// `model.logits(tape, ids:batch:length:)` gives [B, T, V]; on `Tape(recording: false)` nothing is recorded.
///
/// ## Load
///
/// `MistralModel.load(checkpoint:)` reads `config.json` + `model.safetensors` (F32, or BF16/F16 converted) with
/// Hugging Face names; every problem is one `InputError` line naming the file and tensor or key.
/// `MistralConfig.load(from:)` reads a config alone; the safetensors reader and writer (`SafeTensorsFile`,
/// `SafeTensorsWriter`) are FileFormats'. `exportCheckpoint(from:to:)` backs `codetune export`.
///
/// ## Decode with a KV cache
///
///     let cache = KVCache(config: model.config, batch: 1, capacity: promptLength + maxNewTokens)
///     var logits = try model.advance(cache, ids: prompt, length: prompt.count)   // [batch, V] after the prompt
///     logits = try model.advance(cache, ids: [next], length: 1)                   // one token per sequence
///
/// For n samples of one prompt: prefill a batch-1 cache, then `many.replicate(one)` into a batch-n cache.
///
/// `advance` runs a fused forward (`CachedForward.swift`, kernels in `Autograd.InferenceKernels`) over
/// buffers the cache owns: no tape, no tensors, nothing allocated per token. One new row per call is a
/// chain of sgemv's on the calling thread; a prompt's projections are sgemm's split over `Parallel.workers`.
///
/// ## Benchmarks
///
/// `TrainingBenchmark.run(_:)` (`codetune bench train`) and `DecodingBenchmark.run(_:)` (`codetune bench
/// sample`) measure the reference shape against `../shared/bench`'s PyTorch scripts.
public enum Models {}
