/// A building block of the curriculum: one skill that turns a value of one type into another (keep the
/// even numbers, count the vowels, join with a separator …), described three ways that must agree:
/// a noun phrase for the docstring, Python code, and a Swift function that computes the expected value.
///
/// Templates use `$x` (the input: a parameter or the previous block's variable), `$k` (the block's
/// constant: a parameter or a literal), `$e` (a loop or comprehension element) and `$r` (the variable a
/// statement form assigns its result to).
struct Block: Sendable {
    /// The skill's name, unique in the library (`ints.keep_even`).
    var name: String
    var category: Category
    var input: ValueType
    var output: ValueType
    /// The block's constant, when it has one.
    var constant: Constant?
    /// What the block computes, as noun phrases over `$x` and `$k` ("the even numbers in $x").
    var nouns: [String]
    /// Words for function and variable names ("evens", "even_values").
    var names: [String]
    /// Ways to write it in Python.
    var forms: [Form]
    /// The element variable's kind in `$e`.
    var element: Element = .number
    /// The result for `input` and the constant (0 / "" when none); nil when undefined (the input is rejected).
    var apply: @Sendable (Value, Constant.Value) -> Value?

    enum Category: String, Sendable, CaseIterable {
        case list, string, dict, number, condition, loop, accumulation, search, formatting
    }

    enum Element: Sendable { case number, char, word, key }

    /// A constant of the skill: an integer range or string choices, named by a parameter or written as a literal.
    enum Constant: Sendable {
        case int(ClosedRange<Int>)
        case str([String])

        enum Value: Sendable {
            case int(Int), str(String), none
            var i: Int { if case .int(let v) = self { return v }; return 0 }
            var s: String { if case .str(let v) = self { return v }; return "" }
            var python: String {
                switch self {
                case .int(let v): String(v)
                case .str(let v): Exercises.Value.str(v).python
                case .none: ""
                }
            }
        }

        var type: ValueType { if case .int = self { return .int }; return .str }
    }

    /// Python for the block: an expression, or statements that assign `$r`.
    enum Form: Sendable {
        case expr(String)
        case statements([String])
    }
}

/// Shorthands for the common shapes of blocks (filter, map, count, fold), each with an expression form
/// and a loop form.
extension Block {
    static func filter(_ name: String, _ type: ValueType = .ints, cond: String, nouns: [String], names: [String],
                       constant: Constant? = nil, element: Element = .number,
                       _ keep: @escaping @Sendable (Value, Constant.Value) -> Bool) -> Block {
        Block(name: name, category: .list, input: type, output: type, constant: constant, nouns: nouns, names: names,
              forms: [.expr("[$e for $e in $x if \(cond)]"),
                      .statements(["$r = []", "for $e in $x:", "    if \(cond):", "        $r.append($e)"])],
              element: element) { v, k in
            switch v {
            case .ints(let xs): .ints(xs.filter { keep(.int($0), k) })
            case .strs(let xs): .strs(xs.filter { keep(.str($0), k) })
            default: nil
            }
        }
    }

    static func map(_ name: String, _ type: ValueType = .ints, _ out: ValueType? = nil, expr: String, nouns: [String], names: [String],
                    constant: Constant? = nil, element: Element = .number,
                    _ f: @escaping @Sendable (Value, Constant.Value) -> Value?) -> Block {
        let output = out ?? type
        return Block(name: name, category: .list, input: type, output: output, constant: constant, nouns: nouns, names: names,
                     forms: [.expr("[\(expr) for $e in $x]"),
                             .statements(["$r = []", "for $e in $x:", "    $r.append(\(expr))"])],
                     element: element) { v, k in
            let items: [Value]
            switch v {
            case .ints(let xs): items = xs.map { .int($0) }
            case .strs(let xs): items = xs.map { .str($0) }
            default: return nil
            }
            var mapped: [Value] = []
            for item in items { guard let y = f(item, k) else { return nil }; mapped.append(y) }
            switch output {
            case .ints: return .ints(mapped.map(\.i))
            case .strs: return .strs(mapped.map(\.s))
            default: return nil
            }
        }
    }

    static func count(_ name: String, _ type: ValueType = .ints, cond: String, nouns: [String], names: [String],
                      constant: Constant? = nil, element: Element = .number,
                      _ test: @escaping @Sendable (Value, Constant.Value) -> Bool) -> Block {
        Block(name: name, category: .accumulation, input: type, output: .int, constant: constant, nouns: nouns, names: names,
              forms: [.expr("sum(1 for $e in $x if \(cond))"), .expr("len([$e for $e in $x if \(cond)])"),
                      .statements(["$r = 0", "for $e in $x:", "    if \(cond):", "        $r += 1"])],
              element: element) { v, k in
            switch v {
            case .ints(let xs): .int(xs.filter { test(.int($0), k) }.count)
            case .strs(let xs): .int(xs.filter { test(.str($0), k) }.count)
            case .str(let s): .int(s.filter { test(.str(String($0)), k) }.count)
            default: nil
            }
        }
    }

    /// A block with expression forms only.
    static func expr(_ name: String, _ category: Category, _ input: ValueType, _ output: ValueType, _ forms: [String],
                     nouns: [String], names: [String], constant: Constant? = nil,
                     statements: [[String]] = [], element: Element = .number,
                     _ f: @escaping @Sendable (Value, Constant.Value) -> Value?) -> Block {
        Block(name: name, category: category, input: input, output: output, constant: constant, nouns: nouns, names: names,
              forms: forms.map { .expr($0) } + statements.map { .statements($0) }, element: element, apply: f)
    }
}
