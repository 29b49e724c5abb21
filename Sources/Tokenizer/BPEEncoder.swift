/// Encodes text with one `BPETokenizer`, keeping a cache of the ids of words already seen and scratch
/// buffers, so a stream of documents costs no allocation per word. Not thread-safe: one per thread.
public final class BPEEncoder {
    public let tokenizer: BPETokenizer
    private var cache = WordCache()
    private var symbols: [Int32] = []
    private var pairs: [UInt64] = []
    private var prefixed: [UInt8] = []
    /// Scratch for `mergeLongWord`.
    private var next: [Int32] = [], previous: [Int32] = [], alive: [Bool] = [], heap: [UInt64] = []

    /// Words longer than this many bytes are not cached.
    static let maxCachedWordBytes = 256

    public init(_ tokenizer: BPETokenizer) {
        self.tokenizer = tokenizer
        symbols.reserveCapacity(64)
        pairs.reserveCapacity(64)
    }

    /// Appends the ids of `text` to `out`.
    public func encode(_ text: String, into out: inout [Int32]) {
        var text = text
        text.withUTF8 { encode(utf8: $0, into: &out) }
    }

    /// Appends the ids of valid UTF-8 `bytes` to `out`, cutting out added tokens first.
    public func encode(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        let t = tokenizer
        if t.addedTokens.isEmpty { encodeOrdinary(bytes, into: &out); return }
        let n = bytes.count
        var segmentStart = 0
        var i = 0
        while i < n {
            // Skip ahead to a byte that can start an added token.
            i = t.startsAddedToken.withUnsafeBufferPointer { starts in
                var k = i
                while k < n && !starts[Int(bytes[k])] { k += 1 }
                return k
            }
            if i >= n { break }
            var matched: AddedToken?
            for c in t.addedByFirstByte[Int(bytes[i])] {
                let token = t.addedTokens[c]
                let len = token.content.utf8.count
                if i + len <= n && token.content.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[i..<(i + len)])) {
                    matched = token
                    break
                }
            }
            guard let token = matched else { i += 1; continue }
            if segmentStart < i { encodeOrdinary(UnsafeBufferPointer(rebasing: bytes[segmentStart..<i]), into: &out) }
            out.append(token.id)
            i += token.content.utf8.count
            segmentStart = i
        }
        if segmentStart < n { encodeOrdinary(UnsafeBufferPointer(rebasing: bytes[segmentStart..<n]), into: &out) }
    }

    /// Encodes a stretch of text that holds no added token.
    private func encodeOrdinary(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        if tokenizer.addPrefixSpace && bytes.first != 0x20 {
            prefixed.removeAll(keepingCapacity: true)
            prefixed.append(0x20)
            prefixed.append(contentsOf: bytes)
            let copy = prefixed
            copy.withUnsafeBufferPointer { encodeWords($0, into: &out) }
        } else {
            encodeWords(bytes, into: &out)
        }
    }

    private func encodeWords(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        if tokenizer.splitDigits {
            // Each number scalar is a word; the stretches between them are split on their own.
            let n = bytes.count
            var start = 0, i = 0
            while i < n {
                let (cls, len) = PreTokenizer.classAndLength(in: bytes, at: i)
                if cls == .number {
                    if start < i { encodeStretch(UnsafeBufferPointer(rebasing: bytes[start..<i]), into: &out) }
                    encodeWord(UnsafeBufferPointer(rebasing: bytes[i..<(i + len)]), into: &out)
                    start = i + len
                }
                i += len
            }
            if start < n { encodeStretch(UnsafeBufferPointer(rebasing: bytes[start..<n]), into: &out) }
            return
        }
        encodeStretch(bytes, into: &out)
    }

    /// The GPT-2 split (or none without `useRegex`) of a stretch, each word encoded.
    private func encodeStretch(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        if !tokenizer.useRegex {
            encodeWord(bytes, into: &out)
            return
        }
        let n = bytes.count
        var i = 0
        while i < n {
            let end = PreTokenizer.wordEnd(in: bytes, from: i)
            encodeWord(UnsafeBufferPointer(rebasing: bytes[i..<end]), into: &out)
            i = end
        }
    }

    /// Appends the ids of one word (a run of bytes the pre-tokenizer produced).
    @inline(__always)
    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        if word.count == 1 {
            let id = tokenizer.byteIds[Int(word[0])]
            if id >= 0 { out.append(id) }
            return
        }
        if word.count > Self.maxCachedWordBytes {
            mergeWord(word)
            out.append(contentsOf: symbols)
            return
        }
        let hash = WordCache.hash(word)
        if cache.append(word, hash: hash, to: &out) { return }
        mergeWord(word)
        out.append(contentsOf: symbols)
        cache.insert(word, hash: hash, ids: symbols)
    }

    /// Leaves in `symbols` the ids of `word` after applying merges, lowest rank first and leftmost among
    /// equal ranks (the order `tokenizers`' `Word::merge_all` uses).
    private func mergeWord(_ word: UnsafeBufferPointer<UInt8>) {
        let t = tokenizer
        symbols.removeAll(keepingCapacity: true)
        if t.ignoreMerges, let id = t.idOfBytes[Array(word)] {
            symbols.append(id)
            return
        }
        for b in word {
            let id = t.byteIds[Int(b)]
            if id >= 0 { symbols.append(id) }  // a byte missing from the vocabulary is dropped, like `tokenizers` without unk
        }
        if symbols.count < 2 { return }
        if symbols.count > Self.maxScannedWordSymbols { mergeLongWord(); return }
        pairs.removeAll(keepingCapacity: true)
        for k in 0..<(symbols.count - 1) { pairs.append(lookup(symbols[k], symbols[k + 1])) }
        while true {
            var best = UInt64.max
            var at = -1
            pairs.withUnsafeBufferPointer { p in
                for k in 0..<p.count where p[k] < best {
                    best = p[k]
                    at = k
                }
            }
            if at < 0 { break }
            symbols[at] = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
            symbols.remove(at: at + 1)
            pairs.remove(at: at)
            if at > 0 { pairs[at - 1] = lookup(symbols[at - 1], symbols[at]) }
            if at < pairs.count { pairs[at] = lookup(symbols[at], symbols[at + 1]) }
        }
    }

    /// Words with more symbols than this are merged with a heap (O(n log n)) instead of by scanning
    /// every pair for the lowest rank at each step (O(n²), faster for short words).
    static let maxScannedWordSymbols = 48

    /// `mergeWord` for long words: a min-heap of (rank, position) over a linked list of symbols, as in
    /// `tokenizers`' `Word::merge_all`. An entry is stale when the pair at its position no longer has its rank.
    private func mergeLongWord() {
        let n = symbols.count
        next.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        alive.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
        for k in 0..<n {
            previous.append(Int32(k - 1))
            next.append(k + 1 < n ? Int32(k + 1) : -1)
            alive.append(true)
        }
        for k in 0..<(n - 1) {
            let m = lookup(symbols[k], symbols[k + 1])
            if m != UInt64.max { heapPush((m & 0xFFFF_FFFF_0000_0000) | UInt64(k)) }
        }
        while let top = heapPop() {
            let pos = Int(top & 0xFFFF_FFFF), rank = top >> 32
            guard alive[pos], next[pos] >= 0 else { continue }
            let right = Int(next[pos])
            let m = lookup(symbols[pos], symbols[right])
            guard m != UInt64.max, m >> 32 == rank else { continue }
            symbols[pos] = Int32(truncatingIfNeeded: m & 0xFFFF_FFFF)
            alive[right] = false
            next[pos] = next[right]
            if next[right] >= 0 { previous[Int(next[right])] = Int32(pos) }
            if previous[pos] >= 0 {
                let p = Int(previous[pos])
                let mp = lookup(symbols[p], symbols[pos])
                if mp != UInt64.max { heapPush((mp & 0xFFFF_FFFF_0000_0000) | UInt64(p)) }
            }
            if next[pos] >= 0 {
                let mn = lookup(symbols[pos], symbols[Int(next[pos])])
                if mn != UInt64.max { heapPush((mn & 0xFFFF_FFFF_0000_0000) | UInt64(pos)) }
            }
        }
        var w = 0
        for k in 0..<n where alive[k] {
            symbols[w] = symbols[k]
            w += 1
        }
        symbols.removeLast(n - w)
    }

    private func heapPush(_ v: UInt64) {
        heap.append(v)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if heap[parent] <= heap[i] { break }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    private func heapPop() -> UInt64? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return top }
        heap[0] = last
        var i = 0
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && heap[l] < heap[m] { m = l }
            if r < n && heap[r] < heap[m] { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }

    @inline(__always)
    private func lookup(_ a: Int32, _ b: Int32) -> UInt64 {
        tokenizer.mergeTable.value(for: PairTable.key(a, b)) ?? UInt64.max
    }
}

/// Word bytes → ids, for `BPEEncoder`. Open addressing over flat arenas; starts small, grows to
/// `maxEntries` words and is emptied when full.
struct WordCache {
    private var slots = [Int32](repeating: -1, count: 1 << 8)
    private var hashes: [UInt64] = []
    private var keyStart: [Int32] = []
    private var idStart: [Int32] = []
    private var keyBytes: [UInt8] = []
    private var ids: [Int32] = []
    private let maxEntries = 1 << 15

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (e, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(e)
        }
    }

    @inline(__always)
    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in word { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h ^ (h >> 32)
    }

    private func keyRange(_ e: Int) -> Range<Int> {
        Int(keyStart[e])..<(e + 1 < keyStart.count ? Int(keyStart[e + 1]) : keyBytes.count)
    }

    private func idRange(_ e: Int) -> Range<Int> {
        Int(idStart[e])..<(e + 1 < idStart.count ? Int(idStart[e + 1]) : ids.count)
    }

    /// Appends the cached ids of `word` to `out`; false when not cached.
    @inline(__always)
    func append(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, to out: inout [Int32]) -> Bool {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: hash) & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { return false }
            if hashes[e] == hash {
                let r = keyRange(e)
                if r.count == word.count && keyBytes[r].elementsEqual(word) {
                    out.append(contentsOf: ids[idRange(e)])
                    return true
                }
            }
            s = (s + 1) & mask
        }
    }

    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, ids wordIds: [Int32]) {
        if hashes.count >= maxEntries {
            for i in slots.indices { slots[i] = -1 }
            hashes.removeAll(keepingCapacity: true)
            keyStart.removeAll(keepingCapacity: true)
            idStart.removeAll(keepingCapacity: true)
            keyBytes.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
        }
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: hash) & mask
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = Int32(hashes.count)
        hashes.append(hash)
        keyStart.append(Int32(keyBytes.count))
        idStart.append(Int32(ids.count))
        keyBytes.append(contentsOf: word)
        ids.append(contentsOf: wordIds)
    }
}
