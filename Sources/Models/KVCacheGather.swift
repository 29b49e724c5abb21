/// Moving sequences between caches, so a batch whose sequences finish at different times can shrink.
extension KVCache {
    /// Makes sequence `i` of this cache a copy of sequence `rows[i]` of `source` (keys, values, last
    /// logits), for `i < rows.count`, and sets `length` to `source.length`. Sequences `rows.count..<batch`
    /// keep whatever they held: feed them anything and ignore their logits.
    ///
    /// Typical use: n samples decode in a batch-n cache; when only a few are still running, gather those
    /// into a smaller cache and continue there, so finished samples cost nothing.
    ///
    /// Preconditions: same model shape, `rows.count <= batch`, every row in `0..<source.batch`,
    /// `source.length <= capacity`, and `source !== self` unless `rows[i] >= i` for every i (in-place compaction).
    public func gather(rows: [Int], from source: KVCache) {
        precondition(rows.count <= batch, "KVCache.gather: \(rows.count) rows into a batch of \(batch)")
        precondition(source.layers.count == layers.count && source.logits.shape[1] == logits.shape[1]
                     && source.layers.first?.width == layers.first?.width, "KVCache.gather: caches of different models")
        precondition(source.length <= capacity, "KVCache.gather: \(source.length) positions exceed capacity \(capacity)")
        for (i, r) in rows.enumerated() {
            precondition(r >= 0 && r < source.batch, "KVCache.gather: row \(r) outside the source batch \(source.batch)")
            precondition(source !== self || r >= i, "KVCache.gather: in place, rows must not move up")
        }
        for (dst, src) in zip(layers, source.layers) {
            for (i, r) in rows.enumerated() where source !== self || r != i {
                dst.copySequence(i, from: src, sequence: r, positions: source.length)
            }
        }
        let v = logits.shape[1]
        for (i, r) in rows.enumerated() where source !== self || r != i {
            (logits.data + i * v).update(from: source.logits.data + r * v, count: v)
        }
        length = source.length
    }
}
