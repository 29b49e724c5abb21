import Foundation

/// What `BPETokenizer.train` reports while it works.
public enum BPETrainingProgress: Sendable {
    /// Words counted so far: documents, bytes of text, distinct words.
    case counted(documents: Int, bytes: Int, distinctWords: Int)
    /// Merges learned so far, of at most `target`.
    case merged(merges: Int, target: Int)
}

extension BPETokenizer {
    /// Trains a byte-level BPE tokenizer on documents, as `tokenizers`' `BpeTrainer` does with
    /// `initial_alphabet=ByteLevel.alphabet()` and a `ByteLevel(add_prefix_space=False)` pre-tokenizer.
    ///
    /// - Parameters:
    ///   - vocabSize: total ids wanted: special tokens + 256 bytes + merges (fewer if the corpus runs out
    ///     of pairs; never fewer than specials + 256).
    ///   - specialTokens: added tokens at ids 0…; they are not treated specially in the training text.
    ///   - minFrequency: a pair seen fewer times than this is never merged.
    ///   - threads: threads used to pre-tokenize and count words.
    public static func train(documents: some Sequence<String>, vocabSize: Int,
                             specialTokens: [String] = defaultSpecialTokens, minFrequency: Int64 = 0,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                             progress: ((BPETrainingProgress) -> Void)? = nil) -> BPETokenizer {
        let counts = countWords(documents: documents, threads: threads, progress: progress)
        return train(wordCounts: counts, vocabSize: vocabSize, specialTokens: specialTokens,
                     minFrequency: minFrequency, progress: progress)
    }

    /// Counts pre-tokenized words of documents on `threads` threads, in batches of about 8 MB.
    public static func countWords(documents: some Sequence<String>, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                  progress: ((BPETrainingProgress) -> Void)? = nil) -> WordCounts {
        let workers = max(1, threads)
        var perWorker = [WordCounts](repeating: WordCounts(), count: workers)
        var batch: [String] = []
        var batchBytes = 0
        var documentsSeen = 0
        var bytesSeen = 0
        func flush() {
            let docs = batch
            perWorker.withUnsafeMutableBufferPointer { counters in
                // Each worker adds only into its own counter (base + w).
                nonisolated(unsafe) let base = counters.baseAddress!
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var i = w
                    while i < docs.count {
                        (base + w).pointee.add(docs[i])
                        i += workers
                    }
                }
            }
            batch.removeAll(keepingCapacity: true)
            batchBytes = 0
            progress?(.counted(documents: documentsSeen, bytes: bytesSeen, distinctWords: perWorker.map(\.count).max() ?? 0))
        }
        for doc in documents {
            let n = doc.utf8.count
            batch.append(doc)
            batchBytes += n
            documentsSeen += 1
            bytesSeen += n
            if batchBytes >= 8 << 20 { flush() }
        }
        if !batch.isEmpty { flush() }
        var total = perWorker[0]
        for w in 1..<workers { total.merge(perWorker[w]) }
        return total
    }

    /// Learns merges from word counts. Ties between pairs of equal count go to the smaller
    /// (left id, right id), as in `tokenizers`, so the result is deterministic and matches that library.
    public static func train(wordCounts: WordCounts, vocabSize: Int, specialTokens: [String] = defaultSpecialTokens,
                             minFrequency: Int64 = 0, progress: ((BPETrainingProgress) -> Void)? = nil) -> BPETokenizer {
        var vocabulary: [[UInt8]?] = specialTokens.map { Array($0.utf8) }
        let added = specialTokens.enumerated().map { AddedToken(id: Int32($0.offset), content: $0.element) }
        var byteId = [Int32](repeating: 0, count: 256)
        for b in ByteLevel.bytesInAlphabetOrder {
            byteId[Int(b)] = Int32(vocabulary.count)
            vocabulary.append([b])
        }
        var learner = MergeLearner(wordCounts: wordCounts, byteId: byteId)
        let target = max(0, vocabSize - vocabulary.count)
        var idOfBytes: [[UInt8]: Int32] = [:]
        for (i, v) in vocabulary.enumerated() where i >= specialTokens.count { idOfBytes[v!] = Int32(i) }
        var merges: [(Int32, Int32)] = []
        merges.reserveCapacity(target)
        while vocabulary.count < vocabSize, let (a, b) = learner.bestPair(minFrequency: minFrequency) {
            let bytes = vocabulary[Int(a)]! + vocabulary[Int(b)]!
            let newId: Int32
            if let existing = idOfBytes[bytes] {
                newId = existing
            } else {
                newId = Int32(vocabulary.count)
                vocabulary.append(bytes)
                idOfBytes[bytes] = newId
            }
            merges.append((a, b))
            learner.merge(a, b, into: newId)
            if merges.count % 256 == 0 { progress?(.merged(merges: merges.count, target: target)) }
        }
        progress?(.merged(merges: merges.count, target: target))
        do {
            return try BPETokenizer(vocabulary: vocabulary, merges: merges, addedTokens: added)
        } catch {
            preconditionFailure("a trained tokenizer is always consistent: \(error)")
        }
    }
}

/// The state of BPE training: every distinct word as a sequence of token ids, the count of every
/// adjacent pair, the words each pair occurs in, and a max-heap of pairs by count updated lazily
/// (an entry whose count went stale is re-pushed with the current count when it reaches the top).
struct MergeLearner {
    /// All words' symbols, word `w` at `start[w] ..< start[w] + length[w]`.
    private var symbols: [Int32] = []
    private var start: [Int] = []
    private var length: [Int32] = []
    private var wordCount: [Int64] = []
    /// Pair key → pair index.
    private var pairIndex = PairTable(capacity: 1 << 16)
    private var pairKey: [UInt64] = []
    private var pairCount: [Int64] = []
    /// Words where the pair occurs or occurred (may hold stale entries; never misses one).
    private var pairWords: [[Int32]] = []
    private var heap = PairHeap()
    private var visited: [Int32]
    private var mergeNumber: Int32 = 0
    private var touched: [Int32] = []
    private var touchedStamp: [Int32] = []

    init(wordCounts: WordCounts, byteId: [Int32]) {
        let n = wordCounts.count
        start.reserveCapacity(n)
        length.reserveCapacity(n)
        wordCount.reserveCapacity(n)
        for w in 0..<n {
            let word = wordCounts.word(w)
            start.append(symbols.count)
            length.append(Int32(word.count))
            wordCount.append(wordCounts.counts[w])
            for b in word { symbols.append(byteId[Int(b)]) }
        }
        visited = [Int32](repeating: -1, count: n)
        for w in 0..<n {
            let s = start[w], c = wordCount[w]
            for k in 0..<(Int(length[w]) - 1) where length[w] > 1 {
                add(PairTable.key(symbols[s + k], symbols[s + k + 1]), c, word: Int32(w))
            }
        }
        for p in 0..<pairKey.count where pairCount[p] > 0 { heap.push(count: pairCount[p], key: pairKey[p]) }
    }

    /// Index of a pair, created with count 0 when new.
    private mutating func index(_ key: UInt64) -> Int {
        if let i = pairIndex.value(for: key) { return Int(i) }
        let i = pairKey.count
        pairIndex.set(UInt64(i), for: key)
        pairKey.append(key)
        pairCount.append(0)
        pairWords.append([])
        touchedStamp.append(-1)
        return i
    }

    /// Adds `delta` to a pair's count; a positive change records the word and queues the pair for the heap.
    private mutating func add(_ key: UInt64, _ delta: Int64, word: Int32) {
        let p = index(key)
        pairCount[p] += delta
        if delta > 0 {
            if pairWords[p].last != word { pairWords[p].append(word) }
            if touchedStamp[p] != mergeNumber {
                touchedStamp[p] = mergeNumber
                touched.append(Int32(p))
            }
        }
    }

    /// The pair to merge next (highest count, then smallest ids), or nil when none is left.
    mutating func bestPair(minFrequency: Int64) -> (Int32, Int32)? {
        while let top = heap.pop() {
            guard let p = pairIndex.value(for: top.key) else { continue }
            let current = pairCount[Int(p)]
            if top.count != current {
                if current > 0 { heap.push(count: current, key: top.key) }
                continue
            }
            if current < 1 || current < minFrequency { return nil }
            return (Int32(truncatingIfNeeded: top.key >> 32), Int32(truncatingIfNeeded: top.key & 0xFFFF_FFFF))
        }
        return nil
    }

    /// Replaces every occurrence of `a b` (left to right, non-overlapping) by `merged` and updates pair counts.
    mutating func merge(_ a: Int32, _ b: Int32, into merged: Int32) {
        mergeNumber += 1
        touched.removeAll(keepingCapacity: true)
        guard let p = pairIndex.value(for: PairTable.key(a, b)) else { return }
        let words = pairWords[Int(p)]
        for w32 in words {
            let w = Int(w32)
            if visited[w] == mergeNumber { continue }
            visited[w] = mergeNumber
            let s = start[w], c = wordCount[w]
            var len = Int(length[w])
            var i = 0
            while i < len {
                if symbols[s + i] == a && i + 1 < len && symbols[s + i + 1] == b {
                    if i > 0 {
                        let prev = symbols[s + i - 1]
                        add(PairTable.key(prev, a), -c, word: w32)
                        add(PairTable.key(prev, merged), c, word: w32)
                    }
                    symbols[s + i] = merged
                    if i + 2 < len {
                        for k in (i + 1)..<(len - 1) { symbols[s + k] = symbols[s + k + 1] }
                    }
                    len -= 1
                    if i < len - 1 {
                        let next = symbols[s + i + 1]
                        add(PairTable.key(b, next), -c, word: w32)
                        add(PairTable.key(merged, next), c, word: w32)
                    }
                }
                i += 1
            }
            length[w] = Int32(len)
        }
        for q in touched where pairCount[Int(q)] > 0 {
            heap.push(count: pairCount[Int(q)], key: pairKey[Int(q)])
        }
    }
}

/// A binary max-heap of (count, pair key): larger count first, then smaller key.
struct PairHeap {
    private var counts: [Int64] = []
    private var keys: [UInt64] = []

    @inline(__always)
    private func above(_ i: Int, _ j: Int) -> Bool {
        counts[i] != counts[j] ? counts[i] > counts[j] : keys[i] < keys[j]
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        counts.swapAt(i, j)
        keys.swapAt(i, j)
    }

    mutating func push(count: Int64, key: UInt64) {
        counts.append(count)
        keys.append(key)
        var i = counts.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !above(i, parent) { break }
            swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (count: Int64, key: UInt64)? {
        guard let first = counts.first else { return nil }
        let top = (first, keys[0])
        let last = counts.count - 1
        swapAt(0, last)
        counts.removeLast()
        keys.removeLast()
        var i = 0
        let n = counts.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < n && above(l, best) { best = l }
            if r < n && above(r, best) { best = r }
            if best == i { break }
            swapAt(i, best)
            i = best
        }
        return top
    }
}
