import Autograd
import Foundation
import Problems
import SeededRandom

/// Picks the next token from one row of logits: greedy, or temperature + top-k + top-p (nucleus),
/// applied in that order as `transformers`' warpers apply them.
///
/// - temperature 0: argmax (the lowest id among equal maxima, as `torch.argmax`); top-k and top-p are moot.
/// - temperature T > 0: p_i ∝ exp((l_i − max l) / T) over the candidates.
/// - top-k K > 0: the candidates are the K highest logits; others get probability 0.
/// - top-p P < 1: of the candidates, keep the smallest most-likely-first set whose probability mass
///   (renormalised over the candidates) is ≥ P, then draw from it renormalised.
///
/// Candidates are found by a partial sort: a max-heap over the vocabulary built in O(V), popped only as far
/// as top-k or top-p need. All scratch memory is allocated once, for the vocabulary size given at init.
public struct TokenSampler {
    public let vocabularySize: Int
    /// Heap of candidate keys (`key(logit, id)`: one integer compare orders by logit, then lower id);
    /// popped keys collect at the end, best at `V − 1`.
    private var heap: [UInt64]
    /// exp((l − max) / T) of each popped candidate, in popped order.
    private var weights: [Double]
    /// exp((l − max) / T) by id (top-p over the whole vocabulary).
    private var weightOfId: [Double]

    public init(vocabularySize: Int) {
        precondition(vocabularySize > 0, "TokenSampler: empty vocabulary")
        self.vocabularySize = vocabularySize
        heap = [UInt64](repeating: 0, count: vocabularySize)
        weights = [Double](repeating: 0, count: vocabularySize)
        weightOfId = [Double](repeating: 0, count: vocabularySize)
    }

    /// The next token for `logits` (`vocabularySize` values). `rng` is advanced once per non-greedy draw.
    public mutating func sample(_ logits: UnsafePointer<Float>, settings: SamplingSettings,
                                rng: inout SeededGenerator) -> Int32 {
        let v = vocabularySize
        if settings.temperature <= 0 { return Self.argmax(logits, count: v) }
        let inverseT = 1 / settings.temperature
        let top = Double(logits[Int(Self.argmax(logits, count: v))])
        let k = settings.topK > 0 ? min(settings.topK, v) : v
        let p = settings.topP
        if k == v && p >= 1 {
            // Plain temperature sampling: one pass for the normaliser, one to draw.
            var total = 0.0
            for i in 0..<v { total += exp((Double(logits[i]) - top) * inverseT) }
            var r = rng.nextDouble() * total
            for i in 0..<v {
                r -= exp((Double(logits[i]) - top) * inverseT)
                if r < 0 { return Int32(i) }
            }
            return Self.argmax(logits, count: v)
        }
        let (count, mass) = selectCandidates(logits, settings: settings)
        // Popped ids sit at heap[v - 1], heap[v - 2], ... (best first), their weights in weights[0..<count].
        var r = rng.nextDouble() * mass
        for j in 0..<count {
            r -= weights[j]
            if r < 0 { return Self.id(heap[v - 1 - j]) }
        }
        return Self.id(heap[v - count])
    }

    /// The tokens `sample` draws from for `logits` under `settings` (temperature > 0), most likely first,
    /// with their probabilities (renormalised over the kept set). Allocates; for tests and inspection.
    public mutating func distribution(_ logits: UnsafePointer<Float>, settings: SamplingSettings) -> [(id: Int32, probability: Double)] {
        precondition(settings.temperature > 0, "TokenSampler.distribution: greedy has no distribution")
        var s = settings
        if s.topK == 0 && s.topP >= 1 { s.topK = vocabularySize }  // take the heap path for the full list
        let (count, mass) = selectCandidates(logits, settings: s)
        return (0..<count).map { (Self.id(heap[vocabularySize - 1 - $0]), weights[$0] / mass) }
    }

    /// Partially sorts the vocabulary by logit and keeps the top-k, then the top-p candidates.
    /// Returns how many were kept and their total weight; the kept ids are `heap[V − 1], heap[V − 2], …`
    /// (best first) with weights exp((l − max) / T) in `weights[0..<count]`.
    private mutating func selectCandidates(_ logits: UnsafePointer<Float>, settings: SamplingSettings) -> (count: Int, mass: Double) {
        let v = vocabularySize
        let inverseT = 1 / settings.temperature
        let top = Double(logits[Int(Self.argmax(logits, count: v))])
        let k = settings.topK > 0 ? min(settings.topK, v) : v
        let p = settings.topP
        return heap.withUnsafeMutableBufferPointer { heap in
            weights.withUnsafeMutableBufferPointer { weights in
                for i in 0..<v { heap[i] = Self.key(logits[i], Int32(i)) }
                Self.heapify(heap, count: v)
                var size = v
                var popped = 0
                var keptMass = 0.0
                if k == v {
                    // Top-p over the whole vocabulary: pop until the kept mass reaches p of the total.
                    let needed = weightOfId.withUnsafeMutableBufferPointer { byId in
                        var total = 0.0
                        for i in 0..<v {
                            byId[i] = exp((Double(logits[i]) - top) * inverseT)
                            total += byId[i]
                        }
                        return p * total
                    }
                    while popped < v {
                        let w = weightOfId[Int(Self.popMax(heap, count: &size))]
                        weights[popped] = w
                        popped += 1
                        keptMass += w
                        if keptMass >= needed { break }
                    }
                    return (popped, keptMass)
                }
                // Top-k first, then top-p relative to the k candidates' mass.
                var kMass = 0.0
                while popped < k {
                    let w = exp((Double(logits[Int(Self.popMax(heap, count: &size))]) - top) * inverseT)
                    weights[popped] = w
                    popped += 1
                    kMass += w
                }
                if p >= 1 { return (popped, kMass) }
                let needed = p * kMass
                var keep = 0
                while keep < popped {
                    keptMass += weights[keep]
                    keep += 1
                    if keptMass >= needed { break }
                }
                return (keep, keptMass)
            }
        }
    }

    /// Index of the largest value (the first among equals).
    @inline(__always)
    public static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int32 {
        var best = 0
        var value = x[0]
        for i in 1..<max(1, count) where x[i] > value {
            value = x[i]
            best = i
        }
        return Int32(best)
    }

    /// A heap key ordering by logit, then by lower id: the logit's bits made order-preserving as an
    /// unsigned integer in the high word, the complemented id in the low word.
    @inline(__always)
    static func key(_ logit: Float, _ id: Int32) -> UInt64 {
        let bits = logit.bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(ordered) << 32 | UInt64(~UInt32(bitPattern: id))
    }

    @inline(__always)
    static func id(_ key: UInt64) -> Int32 { Int32(bitPattern: ~UInt32(truncatingIfNeeded: key)) }

    /// Orders `heap[0..<count]` as a binary max-heap.
    private static func heapify(_ heap: UnsafeMutableBufferPointer<UInt64>, count: Int) {
        var i = count / 2 - 1
        while i >= 0 {
            siftDown(heap, from: i, count: count)
            i -= 1
        }
    }

    /// Removes the heap's best key, moves it to slot `count − 1` (past the shrunk heap) and returns its id.
    @inline(__always)
    private static func popMax(_ heap: UnsafeMutableBufferPointer<UInt64>, count: inout Int) -> Int32 {
        let best = heap[0]
        count -= 1
        heap[0] = heap[count]
        heap[count] = best
        if count > 1 { siftDown(heap, from: 0, count: count) }
        return id(best)
    }

    @inline(__always)
    private static func siftDown(_ heap: UnsafeMutableBufferPointer<UInt64>, from start: Int, count: Int) {
        var i = start
        let value = heap[i]
        while true {
            let l = 2 * i + 1
            if l >= count { break }
            var c = l
            if l + 1 < count && heap[l + 1] > heap[l] { c = l + 1 }
            if heap[c] <= value { break }
            heap[i] = heap[c]
            i = c
        }
        heap[i] = value
    }
}
