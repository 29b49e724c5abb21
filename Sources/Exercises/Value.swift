import FileFormats
import SeededRandom

/// The Python types an exercise passes and returns.
public enum ValueType: String, Sendable, CaseIterable {
    case int, bool, str, ints, strs, dict

    /// How a docstring names the type ("a list of integers").
    var description: String {
        switch self {
        case .int: "an integer"
        case .bool: "a boolean"
        case .str: "a string"
        case .ints: "a list of integers"
        case .strs: "a list of strings"
        case .dict: "a dictionary mapping strings to integers"
        }
    }

    /// The annotation, in the modern (`list[int]`) or `typing` (`List[int]`) spelling.
    func annotation(typing: Bool) -> String {
        switch self {
        case .int: "int"
        case .bool: "bool"
        case .str: "str"
        case .ints: typing ? "List[int]" : "list[int]"
        case .strs: typing ? "List[str]" : "list[str]"
        case .dict: typing ? "Dict[str, int]" : "dict[str, int]"
        }
    }
}

/// A Python value an exercise takes or returns, with Python's semantics for the operations that differ
/// from Swift's (floor division, modulo).
public enum Value: Hashable, Sendable {
    case int(Int)
    case bool(Bool)
    case str(String)
    case ints([Int])
    case strs([String])
    /// Insertion-ordered, as a Python dict.
    case dict([DictEntry])

    public struct DictEntry: Hashable, Sendable {
        public var key: String
        public var value: Int
    }

    var i: Int { if case .int(let v) = self { return v }; preconditionFailure("not an int") }
    var b: Bool { if case .bool(let v) = self { return v }; preconditionFailure("not a bool") }
    var s: String { if case .str(let v) = self { return v }; preconditionFailure("not a str") }
    var l: [Int] { if case .ints(let v) = self { return v }; preconditionFailure("not a list of ints") }
    var ls: [String] { if case .strs(let v) = self { return v }; preconditionFailure("not a list of strs") }
    var d: [DictEntry] { if case .dict(let v) = self { return v }; preconditionFailure("not a dict") }

    /// The value as Python's `repr` writes it.
    public var python: String {
        switch self {
        case .int(let v): String(v)
        case .bool(let v): v ? "True" : "False"
        case .str(let v): StringLiteral.pythonSingleQuoted.quote(v)
        case .ints(let v): "[" + v.map(String.init).joined(separator: ", ") + "]"
        case .strs(let v): "[" + v.map { StringLiteral.pythonSingleQuoted.quote($0) }.joined(separator: ", ") + "]"
        case .dict(let v): "{" + v.map { StringLiteral.pythonSingleQuoted.quote($0.key) + ": " + String($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// A dict built like a Python dict: a repeated key keeps its first position and takes the last value.
    static func dict(pairs: [(String, Int)]) -> Value {
        var out: [DictEntry] = []
        for (k, v) in pairs {
            if let j = out.firstIndex(where: { $0.key == k }) { out[j].value = v } else { out.append(DictEntry(key: k, value: v)) }
        }
        return .dict(out)
    }
}

/// Python's `//` and `%` (floor semantics); `b` must not be 0.
func floorDiv(_ a: Int, _ b: Int) -> Int { let q = a / b; return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q }
func pyMod(_ a: Int, _ b: Int) -> Int { a - b * floorDiv(a, b) }

/// Random inputs for exercises: small numbers, ordinary lower-case words.
struct ValueDraw {
    var rng: SplitMix64

    static let words = ["apple", "river", "stone", "cloud", "maple", "tiger", "lemon", "cabin", "delta", "ember",
                        "frost", "grape", "harbor", "island", "kettle", "lantern", "meadow", "orbit", "pepper", "raven",
                        "sunset", "tulip", "violet", "willow", "acorn", "bridge", "canyon", "dune", "echo", "falcon",
                        "cat", "dog", "sun", "sky", "red", "blue", "tree", "book", "road", "fish", "moon", "star",
                        "a", "an", "to", "go", "be", "level", "noon", "kayak", "radar", "eye", "bob", "hello", "world"]

    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + rng.int(0..<(r.upperBound - r.lowerBound + 1)) }
    mutating func chance(_ p: Double) -> Bool { rng.chance(p) }
    mutating func pick<T>(_ xs: [T]) -> T { rng.pick(xs) }
    mutating func word() -> String { rng.pick(Self.words) }

    /// A value of `type`; `small` keeps numbers and lengths small (for loops such as factorial).
    mutating func value(_ type: ValueType) -> Value {
        switch type {
        case .int:
            return .int(chance(0.7) ? int(0...30) : int(-20...120))
        case .bool:
            return .bool(chance(0.5))
        case .str:
            var words = (0..<int(1...4)).map { _ in word() }
            if chance(0.2) { words = words.map { $0.prefix(1).uppercased() + $0.dropFirst() } }
            var s = words.joined(separator: " ")
            if chance(0.1) { s = "  " + s + " " }
            if chance(0.05) { s = "" }
            return .str(s)
        case .ints:
            let n = chance(0.08) ? 0 : int(1...7)
            let range = chance(0.6) ? 0...20 : -15...40
            return .ints((0..<n).map { _ in int(range) })
        case .strs:
            let n = chance(0.08) ? 0 : int(1...6)
            return .strs((0..<n).map { _ in word() })
        case .dict:
            let n = chance(0.08) ? 0 : int(1...5)
            return Value.dict(pairs: (0..<n).map { _ in (word(), int(0...20)) })
        }
    }
}
