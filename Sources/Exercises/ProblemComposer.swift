import SeededRandom

/// Composes one to three blocks into a HumanEval-format problem: names, types, docstring wording, examples,
/// a canonical body and a `check` with the expected values the blocks compute. Deterministic for a seed.
public struct ProblemComposer: Sendable {
    let blocks: [Block]
    let byInput: [ValueType: [Int]]

    public init() { self.init(blocks: BlockLibrary.all) }

    init(blocks: [Block]) {
        self.blocks = blocks
        var by: [ValueType: [Int]] = [:]
        for (i, b) in blocks.enumerated() { by[b.input, default: []].append(i) }
        byInput = by
    }

    static let parameterNames: [ValueType: [String]] = [
        .int: ["n", "x", "num", "value", "number", "amount_in", "level", "size_value"],
        .bool: ["flag", "ok", "cond", "enabled"],
        .str: ["s", "text", "word", "sentence", "line", "phrase", "name", "message", "label"],
        .ints: ["nums", "numbers", "values", "xs", "data", "scores", "arr", "lst", "readings", "counts_list", "items"],
        .strs: ["words", "names", "strings", "tokens", "labels", "items", "parts", "lines"],
        .dict: ["scores", "stock", "ages", "prices", "inventory", "totals", "counts", "tally"],
    ]
    /// Nouns for made-up parameter names (`nameQualifiers` + "_" + noun, or the noun alone), so that the
    /// parameter's name is one of hundreds per type and a body can only name it by reading the signature:
    /// with the small pools alone a model learns which names are likely instead of copying the right one.
    static let parameterNouns: [ValueType: [String]] = [
        .int: ["count", "total", "limit", "size", "idx", "amount", "depth", "score", "age", "year", "port", "width",
               "height", "length", "steps", "qty", "num", "val", "seed", "budget", "degree", "rank"],
        .str: ["text", "word", "title", "msg", "line", "code", "path", "query", "phrase", "note", "tag", "city",
               "color", "sentence", "content", "body", "caption", "entry", "string", "src", "chunk", "record"],
        .ints: ["nums", "values", "scores", "counts", "ages", "sizes", "marks", "weights", "points", "totals", "ids",
                "temps", "prices", "ticks", "samples", "vals", "numbers", "readings", "series", "amounts", "digits_in"],
        .strs: ["words", "names", "titles", "tags", "lines", "tokens", "labels", "cities", "colors", "entries", "paths",
                "notes", "codes", "phrases", "terms", "keys_in", "strs", "records", "captions"],
    ]
    static let nameQualifiers = ["raw", "input", "given", "orig", "all", "some", "new", "old", "my", "user", "base",
                                 "first", "main", "extra", "temp", "cur", "next", "last", "local", "src", "in", "the"]
    static let constantNames: [ValueType: [String]] = [
        .int: ["k", "limit", "threshold", "n_max", "m", "size", "step", "bound", "cutoff", "factor", "offset", "width", "target"],
        .str: ["sep", "ch", "letter", "marker", "needle", "key", "suffix", "prefix", "token"],
    ]
    static let elementNames: [Block.Element: [String]] = [
        .number: ["x", "n", "num", "value", "v", "item", "elem"],
        .char: ["ch", "c", "char", "letter", "symbol"],
        .word: ["word", "w", "s", "item", "name", "token"],
        .key: ["key", "name", "label", "item_name"],
    ]

    /// Problem `index` of the stream for `seed`, or nil when the drawn composition has no usable examples.
    public func problem(seed: UInt64, index: Int) -> GeneratedProblem? {
        var rng = SplitMix64(seed: SplitMix64.mix(seed ^ (UInt64(index) &* SplitMix64.increment)))
        return compose(&rng, taskID: "exercise/\(index)")
    }

    func compose(_ rng: inout SplitMix64, taskID: String) -> GeneratedProblem? {
        // The chain: 1 (35%), 2 (45%) or 3 (20%) blocks whose types connect.
        let u = rng.unit()
        let length = u < 0.35 ? 1 : u < 0.8 ? 2 : 3
        var chain = [blocks[rng.int(0..<blocks.count)]]
        while chain.count < length, let next = byInput[chain.last!.output], !next.isEmpty {
            chain.append(blocks[rng.pick(next)])
        }
        var used = reservedNames
        func fresh(_ pool: [String], _ rng: inout SplitMix64) -> String {
            let start = rng.int(0..<pool.count)
            for j in 0..<pool.count where !used.contains(pool[(start + j) % pool.count]) {
                let name = pool[(start + j) % pool.count]; used.insert(name); return name
            }
            var n = 2
            while used.contains(pool[start] + "_\(n)") { n += 1 }
            used.insert(pool[start] + "_\(n)"); return pool[start] + "_\(n)"
        }

        // Constants, and whether each is a parameter or a literal.
        var constants: [Block.Constant.Value] = []
        var constantText: [String] = []      // what code and docstring say for $k
        /// The input's name: from the type's small pool 40% of the time, else made up from the wider lists.
        func parameterName(_ type: ValueType, _ rng: inout SplitMix64) -> String {
            guard let nouns = Self.parameterNouns[type], !rng.chance(0.4) else { return fresh(Self.parameterNames[type]!, &rng) }
            for _ in 0..<8 {
                let noun = rng.pick(nouns)
                let name = rng.chance(0.6) ? rng.pick(Self.nameQualifiers) + "_" + noun : noun
                if used.insert(name).inserted { return name }
            }
            return fresh(Self.parameterNames[type]!, &rng)
        }
        var params: [(name: String, type: ValueType)] = [(parameterName(chain[0].input, &rng), chain[0].input)]
        var constantArgs: [String] = []
        for b in chain {
            guard let c = b.constant else { constants.append(.none); constantText.append(""); continue }
            let value: Block.Constant.Value
            switch c {
            case .int(let r): value = .int(r.lowerBound + rng.int(0..<(r.upperBound - r.lowerBound + 1)))
            case .str(let xs): value = .str(rng.pick(xs))
            }
            constants.append(value)
            if rng.chance(0.5) {
                let name = fresh(Self.constantNames[c.type]!, &rng)
                params.append((name, c.type)); constantArgs.append(value.python); constantText.append(name)
            } else {
                constantText.append(value.python)
            }
        }

        // Examples: five inputs on which every block is defined, at least three distinct, two distinct results.
        var draw = ValueDraw(rng: SplitMix64(seed: rng.next()))
        var cases: [(input: Value, output: Value)] = []
        var attempts = 0
        while cases.count < 5 && attempts < 60 {
            attempts += 1
            var v = draw.value(chain[0].input)
            let input = v
            var ok = true
            for (j, b) in chain.enumerated() {
                guard let out = b.apply(v, constants[j]) else { ok = false; break }
                v = out
            }
            if ok && !cases.contains(where: { $0.input == input }) { cases.append((input, v)) }
        }
        guard cases.count >= 3, Set(cases.map(\.output)).count >= 2 else { return nil }

        let body = renderBody(chain, param: params[0].name, constants: constantText, used: &used, rng: &rng)
        let name = functionName(chain, rng: &rng, used: &used)
        let doc = docstring(chain, param: params[0], constants: constantText, rng: &rng)
        let args = { (input: Value) in ([input.python] + constantArgs).joined(separator: ", ") }

        // Signature: annotations in the modern or `typing` spelling, or none.
        let style = rng.int(0..<10)
        let typing = style < 3 && params.contains { [.ints, .strs, .dict].contains($0.type) || [.ints, .strs, .dict].contains(chain.last!.output) }
        let annotated = style < 7
        let signature = params.map { annotated ? "\($0.name): \($0.type.annotation(typing: typing))" : $0.name }.joined(separator: ", ")
        let returns = annotated ? " -> \(chain.last!.output.annotation(typing: typing))" : ""
        var prompt = ""
        if typing {
            let needed = ["List", "Dict"].filter { t in (params.map(\.type) + [chain.last!.output]).contains { $0.annotation(typing: true).hasPrefix(t) } }
            prompt += "from typing import \(needed.joined(separator: ", "))\n\n\n"
        }
        prompt += "def \(name)(\(signature))\(returns):\n"
        let examples = cases.prefix(rng.chance(0.5) ? 1 : 2).map { "    >>> \(name)(\(args($0.input)))\n    \($0.output.python)\n" }.joined()
        switch rng.int(0..<3) {
        case 0: prompt += "    \"\"\"\(doc)\n\n\(examples)    \"\"\"\n"
        case 1: prompt += "    \"\"\"\n    \(doc)\n\n    Examples:\n\(examples)    \"\"\"\n"
        default: prompt += "    \"\"\"\(doc)\n    For example:\n\(examples)    \"\"\"\n"
        }
        var test = "def check(candidate):\n"
        for c in cases { test += "    assert candidate(\(args(c.input))) == \(c.output.python)\n" }
        return GeneratedProblem(task_id: taskID, prompt: prompt, canonical_solution: body, test: test, entry_point: name,
                                skill: chain.map(\.name).joined(separator: "+"))
    }

    /// The body: each block as an expression (inlined into the next one now and then) or its statements.
    func renderBody(_ chain: [Block], param: String, constants: [String], used: inout Set<String>, rng: inout SplitMix64) -> String {
        var lines: [String] = []
        var current = param
        func subst(_ t: String, x: String, k: String, e: String, r: String) -> String {
            t.replacingOccurrences(of: "$x", with: x).replacingOccurrences(of: "$k", with: k)
                .replacingOccurrences(of: "$e", with: e).replacingOccurrences(of: "$r", with: r)
        }
        func freshVar(_ b: Block, _ rng: inout SplitMix64) -> String {
            let pool = b.names.filter { !used.contains($0) }
            let name = pool.isEmpty ? "step\(used.count)" : rng.pick(pool)
            used.insert(name); return name
        }
        for (j, b) in chain.enumerated() {
            let last = j == chain.count - 1
            let elementPool = Self.elementNames[b.element]!.filter { !used.contains($0) && $0 != current }
            let e = elementPool.isEmpty ? "elem\(j)" : rng.pick(elementPool)
            switch rng.pick(b.forms) {
            case .expr(let t):
                let text = subst(t, x: current, k: constants[j], e: e, r: "")
                if last { lines.append("return " + text) }
                else if rng.chance(0.35) && Self.isAtomic(text) { current = text }
                else { let v = freshVar(b, &rng); lines.append("\(v) = \(text)"); current = v }
            case .statements(let ls):
                if !Self.isIdentifier(current) { let v = "step\(j)"; used.insert(v); lines.append("\(v) = \(current)"); current = v }
                let v = freshVar(b, &rng)
                lines += ls.map { subst($0, x: current, k: constants[j], e: e, r: v) }
                current = v
                if last { lines.append("return " + v) }
            }
        }
        return lines.map { "    " + $0 }.joined(separator: "\n") + "\n"
    }

    static func isIdentifier(_ s: String) -> Bool { !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }

    /// A call, subscript or comprehension with nothing at top level outside its brackets: safe to substitute anywhere.
    static func isAtomic(_ s: String) -> Bool {
        guard let f = s.first, let l = s.last, f.isLetter || f == "[" || f == "_", l == ")" || l == "]" else { return false }
        var depth = 0, quote: Character? = nil
        for c in s {
            if let q = quote { if c == q { quote = nil }; continue }
            switch c {
            case "'", "\"": quote = c
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            case " ": if depth == 0 { return false }
            default: break
            }
        }
        return depth == 0
    }

    func functionName(_ chain: [Block], rng: inout SplitMix64, used: inout Set<String>) -> String {
        var name: String
        let u = rng.unit()
        if u < 0.12 {
            name = rng.pick(["solve", "transform", "process", "compute", "helper", "calculate", "apply_rule", "evaluate", "run", "answer"])
        } else {
            name = rng.pick(chain.last!.names)
            if chain.count > 1 && rng.chance(0.5) { name += "_of_" + rng.pick(chain[0].names) }
            if rng.chance(0.3) { name = rng.pick(["get_", "compute_", "find_", "calc_", "make_"]) + name }
        }
        if used.contains(name) { name += "_fn" }
        used.insert(name)
        return name
    }

    func docstring(_ chain: [Block], param: (name: String, type: ValueType), constants: [String], rng: inout SplitMix64) -> String {
        func noun(_ j: Int, _ x: String) -> String {
            rng.pick(chain[j].nouns).replacingOccurrences(of: "$x", with: x).replacingOccurrences(of: "$k", with: constants[j])
        }
        var text: String
        if chain.count == 1 || rng.chance(0.5) {
            var n = param.name
            for j in chain.indices { n = noun(j, n) }
            text = rng.pick(["Return \(n).", "Compute \(n).", "Given \(param.name), \(param.type.description), return \(n).",
                             "This function returns \(n).", "\(param.name) is \(param.type.description). Return \(n)."])
        } else {
            text = rng.pick(["Start from ", "First compute ", "Take ", "Let the result be "]) + noun(0, param.name) + "."
            for j in 1..<chain.count {
                let that = rng.pick(["that", "the result", "it", "the previous result"])
                text += j == chain.count - 1 ? " Return \(noun(j, that))." : " Then take \(noun(j, that))."
            }
        }
        return text.hasPrefix(param.name) ? text : text.prefix(1).uppercased() + text.dropFirst()
    }
}

/// Every block of the library.
enum BlockLibrary {
    static let all: [Block] = BlocksLists.all + BlocksStrings.all + BlocksNumbers.all
}
