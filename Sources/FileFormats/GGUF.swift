import Foundation

/// One tensor's entry in a GGUF file's tensor table.
public struct GGUFTensorInfo: Sendable, Equatable {
    public var name: String
    /// `ne` as stored: `dimensions[0]` moves fastest. A PyTorch `[out, in]` weight is stored as `[in, out]`.
    public var dimensions: [Int]
    public var type: GGMLType
    /// Byte offset relative to the start of the data section (a multiple of the file's alignment).
    public var offset: Int
    /// Bytes the tensor's data takes; nil when the type is unknown to ggml.
    public var byteCount: Int?

    /// Row-major (PyTorch) shape: `dimensions` reversed.
    public var shape: [Int] { dimensions.reversed() }
    /// Number of elements.
    public var count: Int { dimensions.reduce(1, *) }
}

/// A GGUF file (llama.cpp's model format) opened for reading, memory-mapped.
///
/// Layout (little-endian): magic `GGUF`, `uint32` version (2 or 3), `uint64` tensor count, `uint64`
/// key/value count; the key/values (`uint64`-length UTF-8 key, `uint32` value type, value; strings are
/// `uint64` length + bytes, arrays `uint32` element type + `uint64` count + elements); the tensor infos
/// (name, `uint32` n_dims, `uint64` ne[n_dims], `uint32` ggml type, `uint64` offset); padding to
/// `general.alignment` (default 32); the data section. Opening checks every count, string, type and tensor
/// range against the file, so later reads are in bounds; each problem is one `InputError` line naming the
/// file and the key or tensor.
public struct GGUFFile {
    public let path: String
    public let version: UInt32
    /// Metadata keys in file order.
    public let keys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Byte offset of the data section in the file.
    public let dataStart: Int
    let data: Data
    private let index: [String: Int]

    public static let defaultAlignment = 32

    /// True when `url` is a readable file whose first four bytes are the magic `GGUF` (checks nothing else).
    public static func hasMagic(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw InputError(file: url.path, "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, path: url.path)
    }

    /// Parses bytes already in memory (`path` names them in errors).
    public init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        let parsed = try data.withUnsafeBytes { raw in
            var reader = GGUFReader(bytes: raw, path: path)
            return try reader.parse()
        }
        version = parsed.version
        keys = parsed.keys
        metadata = parsed.metadata
        tensors = parsed.tensors
        alignment = parsed.alignment
        dataStart = parsed.dataStart
        var index: [String: Int] = [:]
        for (i, t) in tensors.enumerated() { index[t.name] = i }
        self.index = index
    }

    // MARK: Metadata

    /// `general.architecture` (e.g. `llama`), or nil.
    public var architecture: String? {
        if case .string(let s)? = metadata["general.architecture"] { return s }
        return nil
    }

    private func fail(_ key: String, _ problem: String) -> InputError { InputError(file: path, key: key, problem) }

    private func value(_ key: String) throws -> GGUFValue {
        guard let v = metadata[key] else { throw fail(key, "missing metadata key") }
        return v
    }

    /// A string value.
    public func string(_ key: String) throws -> String {
        let v = try value(key)
        guard case .string(let s) = v else { throw fail(key, "is \(v.type), expected a string") }
        return s
    }

    /// An integer value of any width, as `Int`.
    public func integer(_ key: String) throws -> Int {
        let v = try value(key)
        guard let n = v.integer else { throw fail(key, "is \(v.summary) (\(v.type)), expected an integer") }
        return n
    }

    /// A number (float or integer), as `Double`.
    public func number(_ key: String) throws -> Double {
        let v = try value(key)
        guard let n = v.number else { throw fail(key, "is \(v.type), expected a number") }
        return n
    }

    /// A bool value.
    public func bool(_ key: String) throws -> Bool {
        let v = try value(key)
        guard case .bool(let b) = v else { throw fail(key, "is \(v.type), expected a bool") }
        return b
    }

    /// An array of strings.
    public func strings(_ key: String) throws -> [String] {
        let v = try value(key)
        guard case .array(.string, let items) = v else { throw fail(key, "is \(v.type), expected an array of strings") }
        return items.map { if case .string(let s) = $0 { return s } else { return "" } }
    }

    /// An array of integers of any width.
    public func integers(_ key: String) throws -> [Int] {
        let v = try value(key)
        guard case .array(_, let items) = v else { throw fail(key, "is \(v.type), expected an array of integers") }
        return try items.enumerated().map { i, item in
            guard let n = item.integer else { throw fail("\(key)[\(i)]", "is \(item.type), expected an integer") }
            return n
        }
    }

    // MARK: Tensors

    /// The tensor info of `name`, or an error naming the file and tensor.
    public func tensor(_ name: String) throws -> GGUFTensorInfo {
        guard let i = index[name] else { throw InputError(file: path, key: name, "missing tensor") }
        return tensors[i]
    }

    /// Calls `body` with the tensor's raw bytes (still quantized), inside the mapping.
    public func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let t = try tensor(name)
        guard let n = t.byteCount else { throw unsupported(t) }
        let start = dataStart + t.offset
        return try data.withUnsafeBytes { raw in try body(UnsafeRawBufferPointer(rebasing: raw[start ..< start + n])) }
    }

    /// The tensor's values dequantized to Float32, in storage order (row-major in `shape`).
    /// When `shape` is given, a different stored shape is an error naming file and tensor.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        let t = try tensor(name)
        if let expected, expected != t.shape {
            throw InputError(file: path, key: name, "shape \(t.shape) disagrees with the config, which needs \(expected)")
        }
        var out = [Float](repeating: 0, count: t.count)
        try out.withUnsafeMutableBufferPointer { try read(name, into: $0) }
        return out
    }

    /// Dequantizes the tensor into `buffer` (exactly `count` elements).
    public func read(_ name: String, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        let t = try tensor(name)
        guard buffer.count == t.count else {
            throw InputError(file: path, key: name, "holds \(t.count) values (shape \(t.shape)), expected \(buffer.count)")
        }
        guard t.type.isDequantizable else { throw unsupported(t) }
        try withBytes(of: name) { GGUFDequantize.dequantize($0, type: t.type, into: buffer) }
    }

    private func unsupported(_ t: GGUFTensorInfo) -> InputError {
        InputError(file: path, key: t.name, "tensor type \(t.type.name) is not supported (only \(GGMLType.dequantizable.map(\.name).joined(separator: ", ")))")
    }
}

/// A bounds-checked little-endian cursor over a GGUF file's bytes.
private struct GGUFReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var position = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    struct Parsed {
        var version: UInt32
        var keys: [String]
        var metadata: [String: GGUFValue]
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataStart: Int
    }

    func fail(_ key: String?, _ problem: String) -> InputError { InputError(file: path, key: key, problem) }

    var remaining: Int { bytes.count - position }

    mutating func take(_ n: Int, _ what: @autoclosure () -> String, key: String?) throws -> Int {
        guard n >= 0, n <= remaining else {
            throw fail(key, "truncated: \(what()) at byte \(position) needs \(n) bytes, \(remaining) left")
        }
        defer { position += n }
        return position
    }

    mutating func u32(_ what: @autoclosure () -> String, key: String?) throws -> UInt32 {
        let at = try take(4, what(), key: key)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    mutating func u64(_ what: @autoclosure () -> String, key: String?) throws -> UInt64 {
        let at = try take(8, what(), key: key)
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    /// A count or length that must fit in `Int` and in what is left of the file at `minimumBytes` each.
    mutating func count(_ what: @autoclosure () -> String, key: String?, minimumBytes: Int) throws -> Int {
        let n = try u64(what(), key: key)
        guard n <= UInt64(remaining / max(1, minimumBytes)) else {
            throw fail(key, "truncated or corrupt: \(what()) is \(n) but only \(remaining) bytes are left")
        }
        return Int(n)
    }

    mutating func string(_ what: @autoclosure () -> String, key: String?) throws -> String {
        let n = try count("\(what()) length", key: key, minimumBytes: 1)
        let at = try take(n, what(), key: key)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[at ..< at + n])
        guard let s = String(validating: slice, as: UTF8.self) else { throw fail(key, "\(what()) is not valid UTF-8") }
        return s
    }

    mutating func parse() throws -> Parsed {
        guard bytes.count >= 4 else { throw fail(nil, "truncated: \(bytes.count) bytes, shorter than the GGUF magic") }
        let magic = Array(bytes[0..<4])
        guard magic == Array("GGUF".utf8) else {
            let shown = magic.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
            throw fail(nil, "not a GGUF file (magic \"\(shown)\", expected \"GGUF\")")
        }
        position = 4
        let version = try u32("version", key: nil)
        guard version == 2 || version == 3 else {
            if version.byteSwapped == 2 || version.byteSwapped == 3 {
                throw fail(nil, "big-endian GGUF is not supported")
            }
            throw fail(nil, "GGUF version \(version) is not supported (only 2 and 3)")
        }
        // A tensor info takes at least 24 bytes (empty name, n_dims, type, offset), a key/value 13.
        let tensorCount = try count("tensor count", key: nil, minimumBytes: 24)
        let kvCount = try count("metadata count", key: nil, minimumBytes: 13)

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        for i in 0..<kvCount {
            let key = try string("key of metadata entry \(i)", key: nil)
            guard metadata[key] == nil else { throw fail(key, "duplicate metadata key") }
            let raw = try u32("value type", key: key)
            guard let type = GGUFValueType(rawValue: raw) else { throw fail(key, "unknown value type \(raw)") }
            metadata[key] = try value(of: type, key: key, depth: 0)
            keys.append(key)
        }

        var alignment = GGUFFile.defaultAlignment
        if let a = metadata["general.alignment"] {
            guard let n = a.integer, n > 0, n & (n - 1) == 0, n <= 1 << 20 else {
                throw fail("general.alignment", "must be a power of two, is \(a.summary)")
            }
            alignment = n
        }

        var tensors: [GGUFTensorInfo] = []
        var names: Set<String> = []
        for i in 0..<tensorCount {
            let name = try string("name of tensor \(i)", key: nil)
            guard names.insert(name).inserted else { throw fail(name, "duplicate tensor name") }
            let nDims = try u32("n_dims", key: name)
            guard (1...4).contains(nDims) else { throw fail(name, "has \(nDims) dimensions (ggml allows 1 to 4)") }
            var dims: [Int] = []
            for _ in 0..<nDims {
                let d = try u64("dimensions", key: name)
                guard d < 1 << 40 else { throw fail(name, "dimension \(d) is too large") }
                dims.append(Int(d))
            }
            let type = GGMLType(rawValue: try u32("type", key: name))
            let offset = try u64("offset", key: name)
            guard offset < 1 << 50 else { throw fail(name, "offset \(offset) is past the end of the file") }
            let (n, overflow) = dims.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
            }
            guard !overflow, n < 1 << 50 else { throw fail(name, "dimensions \(dims) are too large") }
            var byteCount: Int?
            if let blockSize = type.blockSize, let blockBytes = type.blockBytes {
                guard dims[0] % blockSize == 0 else {
                    throw fail(name, "first dimension \(dims[0]) is not a multiple of the \(type.name) block size \(blockSize)")
                }
                byteCount = n / blockSize * blockBytes  // < 2^50 · 36 / 32: no overflow
            }
            guard Int(offset) % alignment == 0 else {
                throw fail(name, "offset \(offset) is not a multiple of the alignment \(alignment)")
            }
            tensors.append(GGUFTensorInfo(name: name, dimensions: dims, type: type, offset: Int(offset), byteCount: byteCount))
        }

        let dataStart = (position + alignment - 1) / alignment * alignment
        let dataSize = max(0, bytes.count - dataStart)
        if !tensors.isEmpty && dataStart > bytes.count {
            throw fail(nil, "truncated: the data section would start at byte \(dataStart), past the end (\(bytes.count) bytes)")
        }
        for t in tensors {
            if let n = t.byteCount, n > dataSize - t.offset {
                throw fail(t.name, "data [\(t.offset), \(t.offset + n)) goes beyond the data section (\(dataSize) bytes): truncated file")
            }
        }
        let ordered = tensors.filter { $0.byteCount != nil }.sorted { $0.offset < $1.offset }
        for (a, b) in zip(ordered, ordered.dropFirst()) where b.offset < a.offset + a.byteCount! {
            throw fail(b.name, "data overlaps tensor \(a.name) (offset \(b.offset) < \(a.offset + a.byteCount!))")
        }
        return Parsed(version: version, keys: keys, metadata: metadata, tensors: tensors, alignment: alignment, dataStart: dataStart)
    }

    mutating func value(of type: GGUFValueType, key: String, depth: Int) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(bytes[try take(1, "value", key: key)])
        case .int8: return .int8(Int8(bitPattern: bytes[try take(1, "value", key: key)]))
        case .bool:
            let b = bytes[try take(1, "value", key: key)]
            guard b <= 1 else { throw fail(key, "bool value is \(b), expected 0 or 1") }
            return .bool(b == 1)
        case .uint16, .int16:
            let at = try take(2, "value", key: key)
            let v = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self))
            return type == .uint16 ? .uint16(v) : .int16(Int16(bitPattern: v))
        case .uint32: return .uint32(try u32("value", key: key))
        case .int32: return .int32(Int32(bitPattern: try u32("value", key: key)))
        case .float32: return .float32(Float(bitPattern: try u32("value", key: key)))
        case .uint64: return .uint64(try u64("value", key: key))
        case .int64: return .int64(Int64(bitPattern: try u64("value", key: key)))
        case .float64: return .float64(Double(bitPattern: try u64("value", key: key)))
        case .string: return .string(try string("string value", key: key))
        case .array:
            guard depth < 8 else { throw fail(key, "arrays nested more than 8 deep") }
            let raw = try u32("array element type", key: key)
            guard let element = GGUFValueType(rawValue: raw) else { throw fail(key, "unknown array element type \(raw)") }
            let n = try count("array length", key: key, minimumBytes: element.fixedSize ?? (element == .string ? 8 : 12))
            var items: [GGUFValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try value(of: element, key: key, depth: depth + 1)) }
            return .array(element, items)
        }
    }
}
