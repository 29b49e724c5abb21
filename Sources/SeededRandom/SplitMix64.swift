// SplitMix64: the 64-bit generator every seeded stream in codetune starts from.

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, well-mixed 64-bit generator whose whole state is
/// one UInt64. Draws the data order (`TokenWindowLoader`), simulated telemetry (with the draws in
/// `SplitMix64+Draws.swift`), seeds `SeededGenerator`, and mixes seeds (`mix(_:)`). Not for anything secret.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// Added to the state before every output: 2^64 / φ, odd.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    var state: UInt64

    /// A generator for `seed` (any value, including 0).
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The first output of a generator seeded `x`: a bijective mix of 64 bits, for deriving one seed
    /// from others.
    public static func mix(_ x: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: x)
        return generator.next()
    }

    /// Uniform in `0 ..< bound` (Lemire's multiply-shift with rejection); precondition: bound > 0.
    public mutating func next(below bound: UInt64) -> UInt64 {
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let t = (0 &- bound) % bound
            while m.low < t { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }
}
