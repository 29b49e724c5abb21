/// The type tag of a GGUF metadata value (`gguf_type` in ggml, `GGUFValueType` in gguf-py).
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value of a fixed-size type; nil for string and array.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }
}

/// One GGUF metadata value. Arrays keep their element type, so an empty array round-trips.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    case array(GGUFValueType, [GGUFValue])

    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .uint64: return .uint64
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        }
    }

    /// The value as an `Int` when it is an integer of any width that fits; nil otherwise.
    public var integer: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// The value as a `Double` when it is a float or an integer; nil otherwise.
    public var number: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return integer.map(Double.init)
        }
    }

    /// A short one-line rendering for messages and `model inspect`: strings quoted as JSON (cut at 60
    /// characters), arrays as their element type and length.
    public var summary: String {
        switch self {
        case .string(let s): return StringLiteral.json.quote(s.count > 60 ? String(s.prefix(57)) + "..." : s)
        case .array(let t, let items): return "[\(items.count) × \(t)]"
        case .bool(let b): return String(b)
        case .float32(let v): return String(v)
        case .float64(let v): return String(v)
        default: return integer.map(String.init) ?? "\(self)"
        }
    }
}
