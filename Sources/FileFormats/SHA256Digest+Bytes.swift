import Crypto
import Foundation

extension SHA256Digest {
    /// The 32 raw digest bytes of `bytes`, for content-hash keys (dedup, splits) where hex
    /// formatting would cost more than the hash.
    public static func bytes(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// Lowercase hex of raw bytes (a digest from `bytes(_:)`).
    public static func hex(digestBytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: digestBytes.count * 2)
        for (i, b) in digestBytes.enumerated() {
            out[2 * i] = digits[Int(b >> 4)]
            out[2 * i + 1] = digits[Int(b & 15)]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
