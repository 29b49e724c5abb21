import Foundation

/// Element types a safetensors file may hold that codetune reads.
public enum SafeTensorsDType: String, Sendable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", i64 = "I64", i32 = "I32"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f32, .i32: return 4
        case .f16, .bf16: return 2
        case .i64: return 8
        }
    }
}

/// One tensor's header entry: element type, shape and byte range within the data section.
public struct SafeTensorsEntry: Sendable, Equatable {
    public var dtype: SafeTensorsDType
    public var shape: [Int]
    /// Byte range relative to the start of the data section (after the header).
    public var range: Range<Int>
    public var count: Int { shape.reduce(1, *) }
}

/// A safetensors file opened for reading (memory-mapped).
///
/// Format: 8-byte little-endian header length `n`, `n` bytes of JSON
/// (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`),
/// then the raw little-endian data. Opening checks the whole header against the file size,
/// so every later read is in bounds; every error is one line naming the file and tensor.
public struct SafeTensorsFile {
    public let path: String
    public let entries: [String: SafeTensorsEntry]
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    /// Tensor names in file order (by data offset).
    public var names: [String] { entries.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }.map(\.key) }

    public init(contentsOf url: URL) throws {
        path = url.path
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw InputError.cannotRead(url, error)
        }
        (entries, metadata, dataStart) = try SafeTensorsFile.parseHeader(data, path: url.path)
    }

    /// Parses bytes already in memory (`path` names them in errors).
    public init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        (entries, metadata, dataStart) = try SafeTensorsFile.parseHeader(data, path: path)
    }

    private static func parseHeader(_ data: Data, path: String) throws
        -> ([String: SafeTensorsEntry], [String: String], Int) {
        func fail(_ key: String?, _ problem: String) -> InputError { InputError(file: path, key: key, problem) }
        guard data.count >= 8 else {
            throw fail(nil, "truncated: \(data.count) bytes, shorter than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail(nil, "header length \(headerLength) goes beyond the end of the file (\(data.count) bytes): truncated or not safetensors")
        }
        let headerEnd = 8 + Int(headerLength)
        let header = data.subdata(in: data.startIndex + 8 ..< data.startIndex + headerEnd)
        guard let json = try? JSONSerialization.jsonObject(with: header), let object = json as? [String: Any] else {
            throw fail(nil, "header is not a JSON object: corrupt or not safetensors")
        }
        let dataSize = data.count - headerEnd
        var entries: [String: SafeTensorsEntry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw fail(name, "must be an object of strings") }
                for (k, v) in m { metadata[k] = (v as? String) ?? "\(v)" }
                continue
            }
            guard let e = value as? [String: Any] else { throw fail(name, "header entry is not an object") }
            guard let dtypeName = e["dtype"] as? String else { throw fail(name, "missing dtype") }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
                throw fail(name, "dtype \(dtypeName) is not supported (F32, F16, BF16, I64, I32)")
            }
            guard let shapeAny = e["shape"] as? [Any], let shape = integers(shapeAny), shape.allSatisfy({ $0 >= 0 }) else {
                throw fail(name, "shape must be a list of non-negative integers")
            }
            guard let offAny = e["data_offsets"] as? [Any], let off = integers(offAny), off.count == 2,
                  off[0] >= 0, off[0] <= off[1] else {
                throw fail(name, "data_offsets must be [begin, end] with 0 <= begin <= end")
            }
            guard off[1] <= dataSize else {
                throw fail(name, "data_offsets [\(off[0]), \(off[1])] go beyond the data section (\(dataSize) bytes): truncated file")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
            }
            let (bytes, bytesOverflow) = count.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, !bytesOverflow, bytes == off[1] - off[0] else {
                let need = overflow || bytesOverflow ? "more than Int.max" : String(bytes)
                throw fail(name, "\(dtypeName) shape \(shape) needs \(need) bytes but data_offsets give \(off[1] - off[0])")
            }
            entries[name] = SafeTensorsEntry(dtype: dtype, shape: shape, range: off[0]..<off[1])
        }
        let ordered = entries.sorted { ($0.value.range.lowerBound, $0.value.range.upperBound) < ($1.value.range.lowerBound, $1.value.range.upperBound) }
        for (a, b) in zip(ordered, ordered.dropFirst()) where b.value.range.lowerBound < a.value.range.upperBound {
            throw fail(b.key, "data overlaps tensor \(a.key) (bytes \(b.value.range.lowerBound) < \(a.value.range.upperBound))")
        }
        return (entries, metadata, headerEnd)
    }

    private static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            guard let n = v as? NSNumber, n.doubleValue == n.doubleValue.rounded(),
                  abs(n.doubleValue) < 0x1p62 else { return nil }
            out.append(n.intValue)
        }
        return out
    }

    /// The header entry of `name`, or an error naming the file and tensor.
    public func entry(_ name: String) throws -> SafeTensorsEntry {
        guard let e = entries[name] else { throw InputError(file: path, key: name, "missing tensor") }
        return e
    }

    /// The values of a floating-point tensor as Float32 (F16 and BF16 converted), row-major.
    /// When `shape` is given, a different stored shape is an error naming file and tensor.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        let e = try entry(name)
        if let expected, expected != e.shape {
            throw InputError(file: path, key: name, "shape \(e.shape) disagrees with the config, which needs \(expected)")
        }
        var out = [Float](repeating: 0, count: e.count)
        try read(name, e, into: &out)
        return out
    }

    /// Copies a floating-point tensor into `buffer` (exactly `count` elements), converting to Float32.
    public func read(_ name: String, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        let e = try entry(name)
        guard buffer.count == e.count else {
            throw InputError(file: path, key: name, "holds \(e.count) values (shape \(e.shape)), expected \(buffer.count)")
        }
        try copy(e, name, into: buffer)
    }

    private func read(_ name: String, _ e: SafeTensorsEntry, into out: inout [Float]) throws {
        try out.withUnsafeMutableBufferPointer { try copy(e, name, into: $0) }
    }

    private func copy(_ e: SafeTensorsEntry, _ name: String, into out: UnsafeMutableBufferPointer<Float>) throws {
        let start = dataStart + e.range.lowerBound
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start ..< start + e.range.count])
            switch e.dtype {
            case .f32:
                for i in 0..<e.count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            case .bf16:
                for i in 0..<e.count {
                    let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            case .f16:
                for i in 0..<e.count {
                    out[i] = floatFromHalf(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .i64, .i32:
                throw InputError(file: path, key: name, "is \(e.dtype.rawValue), expected a floating-point tensor")
            }
        }
    }

    /// The values of an integer tensor (I64 or I32), row-major.
    public func integers(_ name: String) throws -> [Int] {
        let e = try entry(name)
        let start = dataStart + e.range.lowerBound
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Int] in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start ..< start + e.range.count])
            switch e.dtype {
            case .i64:
                return (0..<e.count).map { Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
            case .i32:
                return (0..<e.count).map { Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            default:
                throw InputError(file: path, key: name, "is \(e.dtype.rawValue), expected an integer tensor")
            }
        }
    }
}

/// IEEE 754 binary16 bits to Float32 (subnormals, infinities and NaN included).
@inline(__always)
func floatFromHalf(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x03FF)
    if exponent == 0 {
        // Zero or subnormal: mantissa · 2^-24.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    }
    if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// Writes safetensors files of Float32 tensors.
public enum SafeTensorsWriter {
    /// One tensor to write: its name, shape and row-major values (`values.count == shape.product`).
    public struct Tensor {
        public var name: String
        public var shape: [Int]
        public var values: UnsafeBufferPointer<Float>
        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The file's bytes: header (names sorted, offsets consecutive, padded with spaces to a multiple
    /// of 8 like the reference implementation) then the F32 data in the same order.
    public static func data(_ tensors: [Tensor], metadata: [String: String] = ["format": "pt"]) -> Data {
        let sorted = tensors.sorted { $0.name < $1.name }
        var header = "{"
        if !metadata.isEmpty {
            header += "\"__metadata__\":{"
            header += metadata.sorted { $0.key < $1.key }.map { "\(StringLiteral.jsonUnicodeControls.quote($0.key)):\(StringLiteral.jsonUnicodeControls.quote($0.value))" }.joined(separator: ",")
            header += "}"
        }
        var offset = 0
        for t in sorted {
            if header.count > 1 { header += "," }
            let bytes = 4 * t.values.count
            header += "\(StringLiteral.jsonUnicodeControls.quote(t.name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = Data(capacity: 8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for t in sorted {
            if UInt32(1).littleEndian == 1 {
                out.append(UnsafeBufferPointer(start: t.values.baseAddress, count: t.values.count))
            } else {
                var le = [UInt32](repeating: 0, count: t.values.count)
                for i in 0..<t.values.count { le[i] = t.values[i].bitPattern.littleEndian }
                le.withUnsafeBytes { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    /// Writes `tensors` to `url` atomically (temporary sibling, then rename).
    public static func write(_ tensors: [Tensor], to url: URL, metadata: [String: String] = ["format": "pt"]) throws {
        try AtomicFile.write(data(tensors, metadata: metadata), to: url)
    }
}
