// Initialization: fill tensors from a SeededGenerator (normal, as transformers' `_init_weights`).

import SeededRandom

extension Tensor {
    /// Fills the values with N(mean, std²) samples drawn in index order from `generator`
    /// (`transformers` initialises Mistral linear and embedding weights with N(0, 0.02²)).
    public func fillNormal(mean: Float = 0, std: Float, using generator: inout SeededGenerator) {
        for i in 0..<count { data[i] = mean + std * Float(generator.nextNormal()) }
    }

    /// Sets every value to `value` (RMSNorm weights start at 1).
    public func fill(_ value: Float) {
        data.update(repeating: value, count: count)
    }
}
