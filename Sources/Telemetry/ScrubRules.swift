/// What a scrubbed span was; rendered as a typed placeholder like `<EMAIL>`.
public enum ScrubKind: String, CaseIterable, Sendable, Comparable {
    case privateKey = "PRIVATE_KEY"
    case jwt = "JWT"
    case key = "KEY"
    case password = "PASSWORD"
    case secret = "SECRET"
    case email = "EMAIL"
    case ipAddress = "IP_ADDRESS"
    case user = "USER"

    public var placeholder: String { "<\(rawValue)>" }

    /// Lower wins when two spans overlap.
    var priority: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: ScrubKind, b: ScrubKind) -> Bool { a.priority < b.priority }
}

/// A byte range `[start, end)` of UTF-8 text to be replaced by `kind.placeholder`.
public struct ScrubSpan: Equatable, Sendable {
    public var start: Int
    public var end: Int
    public var kind: ScrubKind
    public init(_ start: Int, _ end: Int, _ kind: ScrubKind) { self.start = start; self.end = end; self.kind = kind }
}

/// ASCII byte classes used by the hand-written scanners.
enum Byte {
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    static func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
    static func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
    static func isAlpha(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) }
    static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }
    static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70) }
    /// Identifier byte: letters, digits, `_`.
    static func isWord(_ b: UInt8) -> Bool { isAlnum(b) || b == 95 }
    /// base64url / token alphabet: letters, digits, `_`, `-`.
    static func isToken(_ b: UInt8) -> Bool { isWord(b) || b == 45 }
    static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
    static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }
}

extension Array where Element == UInt8 {
    /// Whether the ASCII `word` occurs at `i` (case-sensitive).
    @inline(__always) func matches(_ word: StaticString, at i: Int) -> Bool {
        let n = word.utf8CodeUnitCount
        if i < 0 || i + n > count { return false }
        let p = word.utf8Start
        for k in 0..<n where self[i + k] != p[k] { return false }
        return true
    }

    /// Whether the ASCII lowercase `word` occurs at `i`, ignoring case.
    @inline(__always) func matchesIgnoringCase(_ word: StaticString, at i: Int) -> Bool {
        let n = word.utf8CodeUnitCount
        if i < 0 || i + n > count { return false }
        let p = word.utf8Start
        for k in 0..<n where Byte.lower(self[i + k]) != p[k] { return false }
        return true
    }
}

/// Shannon entropy of `bytes[range]` in bits per byte.
func shannonEntropy(_ bytes: [UInt8], _ range: Range<Int>) -> Double {
    if range.isEmpty { return 0 }
    var counts = [Int](repeating: 0, count: 256)
    for i in range { counts[Int(bytes[i])] += 1 }
    let n = Double(range.count)
    var h = 0.0
    for c in counts where c > 0 { let p = Double(c) / n; h -= p * log2(p) }
    return h
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
