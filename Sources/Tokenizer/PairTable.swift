/// An open-addressing hash map from a token pair to a 64-bit value, for the BPE hot loops
/// (`Dictionary` costs too much per lookup there).
///
/// A pair `(a, b)` of token ids (each < 2³¹) is keyed as `a << 32 | b`; `UInt64.max` marks an empty slot.
@usableFromInline
struct PairTable: Sendable {
    @usableFromInline var keys: [UInt64]
    @usableFromInline var values: [UInt64]
    @usableFromInline var mask: Int
    @usableFromInline private(set) var count = 0

    @usableFromInline static let empty = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: Self.empty, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inlinable @inline(__always)
    static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    @inlinable @inline(__always)
    func slot(of key: UInt64) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return Int(truncatingIfNeeded: h) & mask
    }

    /// The value stored for `key`, or nil.
    @inlinable
    func value(for key: UInt64) -> UInt64? {
        var s = slot(of: key)
        return keys.withUnsafeBufferPointer { k in
            while true {
                let found = k[s]
                if found == key { return values[s] }
                if found == Self.empty { return nil }
                s = (s + 1) & mask
            }
        }
    }

    /// Stores `value` for `key`, replacing an existing one.
    mutating func set(_ value: UInt64, for key: UInt64) {
        if (count + 1) * 2 > keys.count { grow() }
        var s = slot(of: key)
        while keys[s] != Self.empty && keys[s] != key { s = (s + 1) & mask }
        if keys[s] == Self.empty { count += 1 }
        keys[s] = key
        values[s] = value
    }

    private mutating func grow() {
        var bigger = PairTable(capacity: keys.count)
        for (i, k) in keys.enumerated() where k != Self.empty { bigger.set(values[i], for: k) }
        self = bigger
    }
}
