import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, for content addressing (datasets, configs, shards).
public enum SHA256Digest {
    public static func hex(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    public static func hex(_ text: String) -> String { hex(Data(text.utf8)) }

    /// Streams a file through SHA-256 in 1 MiB reads.
    public static func hex(fileAt url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw InputError(file: url.path, "cannot open for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Keyed hash (HMAC-SHA256) as hex, for pseudonymous ids whose key is never written out.
    public static func keyedHex(_ text: String, key: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: key))
        return Data(mac).map { String(format: "%02x", $0) }.joined()
    }
}
