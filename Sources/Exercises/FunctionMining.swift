import Foundation

/// Docstring → body pairs mined from public Python code: functions (at any depth) with a docstring whose body
/// uses nothing but its parameters, its own locals and built-ins (no imports, globals, `self`, I/O). Each
/// becomes a problem (prompt = signature and docstring, canonical solution = the rest of the body); its
/// doctests, when it has them, become the problem's asserts.
public enum FunctionMining {
    public struct Options: Sendable {
        public var minBodyLines = 2
        public var maxBodyLines = 20
        public var minDocstringCharacters = 16
        public init() {}
    }

    /// Names a self-contained body may use besides its parameters and locals.
    static let allowedGlobals: Set<String> = PythonNames.builtins.union(PythonNames.keywords).union([
        "ValueError", "TypeError", "KeyError", "IndexError", "Exception", "NotImplementedError", "ZeroDivisionError",
        "hash", "id", "callable", "getattr", "hasattr", "setattr", "frozenset", "bytes", "bytearray", "repr", "ascii", "slice",
        "issubclass", "vars", "complex", "memoryview", "super", "NotImplemented", "Ellipsis", "StopIteration", "RuntimeError", "AttributeError",
        "OverflowError", "ArithmeticError", "LookupError", "UnicodeError", "UnicodeDecodeError", "UnicodeEncodeError",
    ])
    static let refused: Set<String> = ["import", "global", "nonlocal", "yield", "await", "async", "self", "cls", "print", "open", "input",
                                       "exec", "eval", "compile", "__import__", "globals", "locals", "super", "exit", "quit", "breakpoint"]

    /// The functions of one file (`name` names it in task ids). Their doctests are not run here.
    public static func functions(in source: String, name: String, options o: Options = .init()) -> [GeneratedProblem] {
        let lines = source.components(separatedBy: "\n")
        var out: [GeneratedProblem] = []
        var i = 0
        while i < lines.count {
            defer { i += 1 }
            // A `def` at any depth (methods that use `self` are refused below), re-indented to column 0.
            let indent = lines[i].prefix { $0 == " " }.count
            let line = String(lines[i].dropFirst(indent))
            let above = i > 0 ? lines[i - 1].trimmingCharacters(in: .whitespaces) : ""
            guard line.hasPrefix("def "), line.hasSuffix(":"), !above.hasPrefix("@") || above == "@staticmethod",
                  i + 1 < lines.count else { continue }
            func dedent(_ l: String) -> String { l.prefix(indent).allSatisfy { $0 == " " } ? String(l.dropFirst(min(indent, l.count))) : l }
            let docStart = dedent(lines[i + 1])
            let trimmed = docStart.trimmingCharacters(in: .whitespaces)
            guard docStart.hasPrefix("    "), trimmed.hasPrefix("\"\"\"") || trimmed.hasPrefix("r\"\"\"") else { continue }
            // The docstring's end.
            var j = i + 1
            let opener = trimmed.hasPrefix("r") ? 4 : 3
            if !(trimmed.count >= opener + 3 && trimmed.dropFirst(opener).contains("\"\"\"")) {
                j += 1
                while j < lines.count && !lines[j].contains("\"\"\"") { j += 1 }
                guard j < lines.count, lines[j].trimmingCharacters(in: .whitespaces).hasSuffix("\"\"\"") else { continue }
            }
            // The body: lines indented deeper than the `def`, or blank, up to the next line that is not.
            var k = j + 1
            while k < lines.count && (lines[k].prefix { $0 == " " }.count > indent || lines[k].trimmingCharacters(in: .whitespaces).isEmpty) { k += 1 }
            var body = lines[(j + 1)..<k].map(dedent)
            while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
            let bodyLines = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            guard (o.minBodyLines...o.maxBodyLines).contains(bodyLines), !body.contains(where: { $0.contains("\t") }) else { continue }
            let prompt = ([line] + lines[(i + 1)...j].map(dedent)).joined(separator: "\n") + "\n"
            let doc = lines[(i + 1)...j].map(dedent).joined(separator: "\n")
            guard doc.count >= o.minDocstringCharacters + 6, doc.allSatisfy({ $0.isASCII }), !line.contains("self") else { continue }
            let bodyText = body.joined(separator: "\n") + "\n"
            guard selfContained(prompt: prompt, body: bodyText) else { continue }
            let entry = String(line.dropFirst(4).prefix { $0 != "(" })
            guard !entry.hasPrefix("_") else { continue }
            out.append(GeneratedProblem(task_id: "mined/\(name):\(i + 1)", prompt: prompt, canonical_solution: bodyText,
                                        test: doctestCheck(doc: doc, entryPoint: entry), entry_point: entry, skill: "mined"))
        }
        return out
    }

    /// Whether every name the body reads is a parameter, a local it binds, or a built-in.
    static func selfContained(prompt: String, body: String) -> Bool {
        let tokens = PythonNames.tokens(body)
        if tokens.contains(where: { refused.contains($0) }) { return false }
        var bound = Set(PythonNames.parameters(prompt))
        // Names bound anywhere in the body: assignment targets, loop and comprehension variables, `as`, nested defs.
        for (n, t) in tokens.enumerated() {
            let next = n + 1 < tokens.count ? tokens[n + 1] : ""
            let prev = n > 0 ? tokens[n - 1] : ""
            if ["=", "+=", "-=", "*=", "%=", ","].contains(next) && prev != "." { bound.insert(t) }
            if ["for", "as", "def", "lambda", "except"].contains(prev) { bound.insert(t) }
        }
        for (n, t) in tokens.enumerated() {
            guard let f = t.unicodeScalars.first, CharacterSet.letters.contains(f) || f == "_" else { continue }
            if n > 0 && tokens[n - 1] == "." { continue }
            if !bound.contains(t) && !allowedGlobals.contains(t) { return false }
        }
        return true
    }

    /// `check(candidate)` from the docstring's doctests (`>>> expr` followed by its output line), each as an
    /// assert on `repr`; with no doctest, a check that the function exists.
    static func doctestCheck(doc: String, entryPoint: String) -> String {
        let lines = doc.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var asserts: [String] = []
        for (n, l) in lines.enumerated() where l.hasPrefix(">>> ") && n + 1 < lines.count {
            let expected = lines[n + 1]
            guard !expected.isEmpty, !expected.hasPrefix(">>>"), !expected.hasPrefix("..."), !expected.hasPrefix("Traceback"),
                  !expected.hasSuffix("\"\"\""), !l.contains("print(") else { continue }
            let expr = String(l.dropFirst(4)).replacingOccurrences(of: "\\b\(entryPoint)\\(", with: "candidate(", options: .regularExpression)
            guard expr.contains("candidate("), !expr.contains(entryPoint) else { continue }
            asserts.append("    assert repr(\(expr)) == \(Value.str(expected).python)")
        }
        return "def check(candidate):\n" + (asserts.isEmpty ? "    assert callable(candidate)" : asserts.joined(separator: "\n")) + "\n"
    }

    public struct Summary: Sendable, Equatable {
        public var files = 0
        public var functions = 0
        public var withDoctests = 0
        public var duplicates = 0
        public var contaminated = 0
        public var failedVerification = 0
        public var kept = 0
    }

    /// Mines every `.py` file under `root` (sorted paths), drops duplicates (same body after renaming) and
    /// suite-like functions, and keeps those that define cleanly and pass their doctests in the sandbox.
    public static func mine(root: URL, verifier: BatchVerifier, decontamination: SuiteDecontamination?, options: Options = .init(),
                            maxFiles: Int = 5000) throws -> ([GeneratedProblem], Summary) {
        var s = Summary()
        var files: [URL] = []
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let u = walker?.nextObject() as? URL {
            if u.pathExtension == "py", !u.path.contains("/test"), !u.path.contains("site-packages") { files.append(u) }
        }
        files.sort { $0.path < $1.path }
        var found: [GeneratedProblem] = []
        var seen = Set<String>()
        for f in files.prefix(maxFiles) {
            guard let text = try? String(contentsOf: f, encoding: .utf8) else { continue }
            s.files += 1
            let rel = f.path.hasPrefix(root.path) ? String(f.path.dropFirst(root.path.count).drop { $0 == "/" }) : f.lastPathComponent
            for p in functions(in: text, name: rel, options: options) {
                s.functions += 1
                guard seen.insert(PythonNames.bodyKey(prompt: p.prompt, body: p.canonical_solution)).inserted else { s.duplicates += 1; continue }
                if let d = decontamination, d.check(prompt: p.prompt, body: p.canonical_solution) != .clean { s.contaminated += 1; continue }
                found.append(p)
            }
        }
        let ok = verifier.verify(found.map { .init(source: ExerciseGeneration.program($0, body: $0.canonical_solution), shouldPass: true) })
        var kept: [GeneratedProblem] = []
        for (p, good) in zip(found, ok) {
            if good { kept.append(p); if !p.test.contains("callable(candidate)") { s.withDoctests += 1 } } else { s.failedVerification += 1 }
        }
        s.kept = kept.count
        return (kept, s)
    }
}
