/// The split `tokenizers`' `ByteLevel` pre-tokenizer makes with `use_regex: true`, done by hand over
/// Unicode scalars. It is equivalent to matching, leftmost-first, the GPT-2 pattern
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// repeatedly from the start of the text (every scalar belongs to some alternative, so the matches
/// tile the text). `PreTokenizerTests` checks it against `NSRegularExpression` on random text and
/// the parity fixture checks it against `tokenizers` itself.
public enum PreTokenizer {
    /// Calls `body` with the byte range of each word of `bytes` (valid UTF-8), in order.
    /// The ranges tile `0..<bytes.count`.
    @inlinable
    public static func forEachWord(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        let n = bytes.count
        var i = 0
        while i < n {
            let end = wordEnd(in: bytes, from: i)
            body(i..<end)
            i = end
        }
    }

    /// The byte ranges of the words of `text`.
    public static func words(_ text: String) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var t = text
        t.withUTF8 { forEachWord(in: $0) { out.append($0) } }
        return out
    }

    /// Decodes the scalar starting at byte `i` of valid UTF-8: (value, byte length).
    @inlinable @inline(__always)
    static func scalar(in b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return (((b0 & 0x1F) << 6) | (UInt32(b[i + 1]) & 0x3F), 2) }
        if b0 < 0xF0 {
            return (((b0 & 0x0F) << 12) | ((UInt32(b[i + 1]) & 0x3F) << 6) | (UInt32(b[i + 2]) & 0x3F), 3)
        }
        return (((b0 & 0x07) << 18) | ((UInt32(b[i + 1]) & 0x3F) << 12)
                | ((UInt32(b[i + 2]) & 0x3F) << 6) | (UInt32(b[i + 3]) & 0x3F), 4)
    }

    @inlinable @inline(__always)
    static func classAndLength(in b: UnsafeBufferPointer<UInt8>, at i: Int) -> (ScalarClass, Int) {
        let (v, len) = scalar(in: b, at: i)
        return (ScalarClass.of(v), len)
    }

    /// End (exclusive byte offset) of the word that starts at byte `i < bytes.count`.
    @inlinable
    static func wordEnd(in b: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        let n = b.count
        let first = b[i]
        // 's 't 're 've 'm 'll 'd
        if first == 0x27, i + 1 < n {
            let c1 = b[i + 1]
            if c1 == 0x73 || c1 == 0x74 || c1 == 0x6D || c1 == 0x64 { return i + 2 }  // s t m d
            if i + 2 < n {
                let c2 = b[i + 2]
                if (c1 == 0x72 && c2 == 0x65) || (c1 == 0x76 && c2 == 0x65) || (c1 == 0x6C && c2 == 0x6C) {
                    return i + 3  // re ve ll
                }
            }
        }
        let (cls, len) = classAndLength(in: b, at: i)
        var runClass = cls
        var j = i + len
        if first == 0x20 {
            // " ?X+" when a non-space follows the space.
            if j < n {
                let (next, nextLen) = classAndLength(in: b, at: j)
                if next != .whitespace {
                    runClass = next
                    j += nextLen
                }
            }
        }
        if runClass != .whitespace {
            while j < n {
                let (c, l) = classAndLength(in: b, at: j)
                if c != runClass { break }
                j += l
            }
            return j
        }
        // \s+(?!\S) | \s+ : the whitespace run, less its last scalar when a non-space follows
        // and the run has more than one scalar.
        var lastStart = i
        while j < n {
            let (c, l) = classAndLength(in: b, at: j)
            if c != .whitespace { break }
            lastStart = j
            j += l
        }
        if j < n && lastStart > i { return lastStart }
        return j
    }
}
