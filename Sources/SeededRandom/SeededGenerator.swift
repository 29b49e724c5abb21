// SeededGenerator: a deterministic xoshiro256** generator whose whole state is four UInt64s.

import Foundation

/// Deterministic random numbers for weight initialisation and token sampling.
///
/// xoshiro256** (Blackman & Vigna); `init(seed:)` takes the four state words from `SplitMix64(seed:)`.
/// The full state is `state` (four UInt64); save it and restore with `init(state:)` to resume a stream
/// exactly. (JSON numbers lose precision above 2^53: write the words as strings, e.g. `String(word)`, or
/// use `stateHalves` / `init(stateHalves:)`.)
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The full state, four words; `init(state:)` restores it.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator for `seed` (any value, including 0).
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        (s0, s1, s2, s3) = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    /// Restores a saved state (four words, not all zero).
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "SeededGenerator: state must be 4 words, not all zero")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The state as eight UInt32 halves (high word first), each exactly representable in JSON.
    public var stateHalves: [UInt32] { state.flatMap { [UInt32($0 >> 32), UInt32($0 & 0xFFFF_FFFF)] } }

    /// Restores a state saved as `stateHalves`.
    public init(stateHalves h: [UInt32]) {
        precondition(h.count == 8, "SeededGenerator: 8 halves expected")
        self.init(state: (0..<4).map { UInt64(h[2 * $0]) << 32 | UInt64(h[2 * $0 + 1]) })
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    /// A standard normal sample (Box–Muller in Double; uses two uniforms per sample).
    public mutating func nextNormal() -> Double {
        let u1 = 1 - nextDouble()          // (0, 1]
        let u2 = nextDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
