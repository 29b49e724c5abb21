import FileFormats
import Foundation

/// One token shard file mapped read-only into memory.
public final class MappedTokenShard: @unchecked Sendable {
    public let url: URL
    public let dtype: TokenDType
    /// Number of tokens in the file.
    public let count: Int
    let base: UnsafeRawPointer?
    let mappedBytes: Int

    /// Maps `url`; its size must be exactly `expectedTokens` tokens of `dtype`.
    public init(url: URL, dtype: TokenDType, expectedTokens: Int) throws {
        self.url = url
        self.dtype = dtype
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError(file: url.path, "cannot open shard: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw InputError(file: url.path, "cannot stat shard") }
        let size = Int(st.st_size)
        guard size == expectedTokens * dtype.byteWidth else {
            throw InputError(file: url.path, "shard holds \(size) bytes, the manifest says \(expectedTokens) \(dtype.rawValue) tokens")
        }
        count = expectedTokens
        mappedBytes = size
        if size == 0 { base = nil; return }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw InputError(file: url.path, "cannot map shard: \(String(cString: strerror(errno)))") }
        base = UnsafeRawPointer(p)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), mappedBytes) }
    }

    /// Token at `i` (0 ..< count).
    @inline(__always) public subscript(i: Int) -> Int32 {
        switch dtype {
        case .uint16: return Int32(UInt16(littleEndian: base!.load(fromByteOffset: 2 * i, as: UInt16.self)))
        case .uint32: return Int32(bitPattern: UInt32(littleEndian: base!.load(fromByteOffset: 4 * i, as: UInt32.self)))
        }
    }

    /// Copies tokens `start ..< start + n` to `out` as Int32.
    @inline(__always) func copy(from start: Int, count n: Int, to out: UnsafeMutablePointer<Int32>) {
        guard let base else { return }
        switch dtype {
        case .uint16:
            let p = base.assumingMemoryBound(to: UInt16.self) + start
            for i in 0..<n { out[i] = Int32(UInt16(littleEndian: p[i])) }
        case .uint32:
            let p = base.assumingMemoryBound(to: UInt32.self) + start
            for i in 0..<n { out[i] = Int32(bitPattern: UInt32(littleEndian: p[i])) }
        }
    }

    /// SHA-256 of the mapped bytes, hex.
    public func sha256() -> String {
        guard let base else { return SHA256Digest.hex(Data()) }
        return SHA256Digest.hex(UnsafeRawBufferPointer(start: base, count: mappedBytes))
    }
}
