import FileFormats
import Foundation

/// Writes one split's token stream as flat little-endian shard files of at most
/// `shardTokens` tokens each (`PREFIX-00000.bin`, ...), each document followed by the
/// end-of-text token. A document that does not fit in the current shard starts the next one
/// when it fits there; a document longer than a whole shard is cut across shards.
public struct TokenShardWriter {
    public let directory: URL
    public let prefix: String
    public let dtype: TokenDType
    public let shardTokens: Int
    public let endOfText: Int32
    public private(set) var shards: [ShardInfo] = []
    public private(set) var tokens = 0
    var buffer: [UInt32] = []

    public init(directory: URL, prefix: String, dtype: TokenDType, shardTokens: Int, endOfText: Int32) {
        precondition(shardTokens > 0)
        self.directory = directory
        self.prefix = prefix
        self.dtype = dtype
        self.shardTokens = shardTokens
        self.endOfText = endOfText
        buffer.reserveCapacity(min(shardTokens, 1 << 22))
    }

    /// Appends a document's tokens and the separator.
    public mutating func append(document ids: [Int32]) throws {
        let needed = ids.count + 1
        if !buffer.isEmpty, buffer.count + needed > shardTokens, needed <= shardTokens { try flush() }
        var rest = ids[...]
        while buffer.count + rest.count > shardTokens {
            let take = shardTokens - buffer.count
            for id in rest.prefix(take) { buffer.append(UInt32(bitPattern: id)) }
            rest = rest.dropFirst(take)
            try flush()
        }
        for id in rest { buffer.append(UInt32(bitPattern: id)) }
        if buffer.count == shardTokens { try flush() }
        buffer.append(UInt32(bitPattern: endOfText))
        tokens += needed
    }

    /// Writes what is buffered; call once at the end.
    public mutating func finish() throws -> [ShardInfo] {
        if !buffer.isEmpty { try flush() }
        return shards
    }

    mutating func flush() throws {
        let number = String(shards.count)
        let name = "\(prefix)-\(String(repeating: "0", count: max(0, 5 - number.count)))\(number).bin"
        var data = Data(count: buffer.count * dtype.byteWidth)
        data.withUnsafeMutableBytes { raw in
            switch dtype {
            case .uint16:
                let out = raw.bindMemory(to: UInt16.self)
                for i in buffer.indices { out[i] = UInt16(truncatingIfNeeded: buffer[i]).littleEndian }
            case .uint32:
                let out = raw.bindMemory(to: UInt32.self)
                for i in buffer.indices { out[i] = buffer[i].littleEndian }
            }
        }
        let url = directory.appendingPathComponent(name)
        do { try data.write(to: url) } catch {
            throw InputError(file: url.path, "cannot write shard: \(error.localizedDescription)")
        }
        shards.append(ShardInfo(file: name, tokens: buffer.count, sha256: SHA256Digest.hex(data)))
        buffer.removeAll(keepingCapacity: true)
    }
}
