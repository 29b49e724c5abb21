/// How often each pre-tokenized word occurs in a corpus: the input of BPE training.
///
/// Feed documents with `add(_:)` (one instance per thread, then `merge`). Words are kept as bytes in
/// one arena with an open-addressing index, so counting allocates nothing per word.
public struct WordCounts: Sendable {
    private var slots = [Int32](repeating: -1, count: 1 << 12)
    private var hashes: [UInt64] = []
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    public private(set) var counts: [Int64] = []
    /// Bytes of text fed in.
    public private(set) var bytesSeen = 0

    public init() {}

    /// Number of distinct words.
    public var count: Int { counts.count }

    /// The bytes of distinct word `i`.
    public func word(_ i: Int) -> ArraySlice<UInt8> { arena[starts[i]..<starts[i + 1]] }

    /// Counts the words of one document.
    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(utf8: $0) }
    }

    /// Counts the words of valid UTF-8 text.
    public mutating func add(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        bytesSeen += bytes.count
        let n = bytes.count
        var i = 0
        while i < n {
            let end = PreTokenizer.wordEnd(in: bytes, from: i)
            add(word: UnsafeBufferPointer(rebasing: bytes[i..<end]), count: 1)
            i = end
        }
    }

    /// Adds `count` occurrences of a word.
    public mutating func add(word: UnsafeBufferPointer<UInt8>, count: Int64) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in word { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h ^= h >> 29
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { break }
            if hashes[e] == h {
                let lo = starts[e], hi = starts[e + 1]
                if hi - lo == word.count && arena.withUnsafeBufferPointer({ a in
                    memcmpEqual(a.baseAddress! + lo, word.baseAddress!, word.count)
                }) {
                    counts[e] += count
                    return
                }
            }
            s = (s + 1) & mask
        }
        slots[s] = Int32(counts.count)
        hashes.append(h)
        arena.append(contentsOf: word)
        starts.append(arena.count)
        counts.append(count)
        if counts.count * 2 > slots.count { rehash(size: slots.count * 2) }
    }

    /// Adds every count of `other`.
    public mutating func merge(_ other: WordCounts) {
        bytesSeen += other.bytesSeen
        other.arena.withUnsafeBufferPointer { a in
            for i in 0..<other.count {
                add(word: UnsafeBufferPointer(rebasing: a[other.starts[i]..<other.starts[i + 1]]), count: other.counts[i])
            }
        }
    }

    private mutating func rehash(size: Int) {
        slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for (e, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(e)
        }
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for k in 0..<n where a[k] != b[k] { return false }
    return true
}
