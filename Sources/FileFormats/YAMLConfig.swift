import Foundation
import Yams

/// Collects every problem found while reading one config file, so they are reported at once.
public final class Diagnostics {
    public let file: String
    public private(set) var errors: [InputError] = []

    public init(file: String) { self.file = file }

    public func report(_ mark: Mark?, _ key: String, _ problem: String) {
        errors.append(InputError(file: file, line: mark?.line, column: mark?.column, key: key, problem))
    }

    /// Throws `InputErrors` when anything was reported.
    public func throwIfAny() throws {
        if !errors.isEmpty { throw InputErrors(errors) }
    }
}

/// Parses a YAML file into nodes that remember their line and column.
public enum YAMLFile {
    /// Reads and parses `url`; a syntax error becomes an `InputError` with its place.
    public static func load(_ url: URL) throws -> (root: YAMLValue, diagnostics: Diagnostics) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FileManager.default.fileExists(atPath: url.path) ? InputError.cannotRead(url, error) : InputError(file: url.path, "cannot read: no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw InputError(file: url.path, "cannot read: not UTF-8 text") }
        return try parse(text, file: url.path)
    }

    public static func parse(_ text: String, file: String) throws -> (root: YAMLValue, diagnostics: Diagnostics) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw InputError(file: file, line: mark.line, column: mark.column, "YAML syntax: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                throw InputError(file: file, line: context.mark.line, column: context.mark.column, "duplicate key \(duplicates.joined(separator: ", "))")
            default:
                throw InputError(file: file, "YAML syntax: \(error)")
            }
        }
        let diags = Diagnostics(file: file)
        return (YAMLValue(node: node ?? Node.mapping(.init([])), path: "", diagnostics: diags), diags)
    }
}

/// A YAML node with its key path; typed accessors report problems to `Diagnostics` and return nil.
public struct YAMLValue {
    public let node: Node
    /// Dotted key path from the document root (`stages[0].lr`).
    public let path: String
    public let diagnostics: Diagnostics

    public var mark: Mark? { node.mark }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ problem: String) { diagnostics.report(mark, path, problem) }

    /// This node as a mapping whose keys must all be in `allowed` (unknown keys are reported with a hint).
    public func mapping(allowed: [String]) -> YAMLMapping? {
        guard case .mapping(let m) = node else {
            fail("expected a mapping of keys, found \(kind)")
            return nil
        }
        for (k, _) in m {
            guard let name = k.string else { diagnostics.report(k.mark, path, "keys must be strings"); continue }
            if !allowed.contains(name) {
                let hint = closestMatch(to: name, in: allowed).map { "; did you mean '\($0)'?" } ?? "; known keys: \(allowed.joined(separator: ", "))"
                diagnostics.report(k.mark, child(name), "unknown key\(hint)")
            }
        }
        return YAMLMapping(value: self, mapping: m)
    }

    public var list: [YAMLValue]? {
        guard case .sequence(let s) = node else { fail("expected a list, found \(kind)"); return nil }
        return s.enumerated().map { YAMLValue(node: $1, path: "\(path)[\($0)]", diagnostics: diagnostics) }
    }

    public var string: String? {
        guard case .scalar(let s) = node else { fail("expected a string, found \(kind)"); return nil }
        return s.string
    }

    public func int(in range: ClosedRange<Int>? = nil) -> Int? {
        guard case .scalar(let s) = node, s.style == .plain, let v = parseInt(s.string) else {
            fail("expected an integer, found \(describe)"); return nil
        }
        if let range, !range.contains(v) { fail("\(v) is out of range \(rangeText(range))"); return nil }
        return v
    }

    public func double(in range: ClosedRange<Double>? = nil) -> Double? {
        guard case .scalar(let s) = node, s.style == .plain, let v = Double(s.string.replacingOccurrences(of: "_", with: "")), v.isFinite else {
            fail("expected a number, found \(describe)"); return nil
        }
        if let range, !range.contains(v) { fail("\(v) is out of range \(range.lowerBound)...\(range.upperBound)"); return nil }
        return v
    }

    public var bool: Bool? {
        guard case .scalar(let s) = node, s.style == .plain else { fail("expected true or false, found \(describe)"); return nil }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: fail("expected true or false, found \(describe)"); return nil
        }
    }

    /// A string that must be one of `choices`.
    public func choice(_ choices: [String]) -> String? {
        guard let s = string else { return nil }
        guard choices.contains(s) else {
            let hint = closestMatch(to: s, in: choices).map { "; did you mean '\($0)'?" } ?? ""
            fail("'\(s)' is not one of \(choices.joined(separator: ", "))\(hint)")
            return nil
        }
        return s
    }

    var kind: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return s.string.isEmpty ? "nothing" : "'\(s.string)'"
        case .alias: return "an alias"
        }
    }

    var describe: String { kind }

    func parseInt(_ s: String) -> Int? {
        let t = s.replacingOccurrences(of: "_", with: "")
        if let v = Int(t) { return v }
        // Accept 1e6-style integers and 1.0 written as floats when they are whole.
        if let d = Double(t), d.rounded() == d, abs(d) < 9e15 { return Int(d) }
        return nil
    }

    func rangeText(_ r: ClosedRange<Int>) -> String {
        r.upperBound == Int.max ? "\(r.lowerBound)..." : "\(r.lowerBound)...\(r.upperBound)"
    }
}

/// A mapping whose keys were checked; `value(_:)` gives a child, `required(_:)` reports when absent.
public struct YAMLMapping {
    public let value: YAMLValue
    let mapping: Node.Mapping

    public func has(_ key: String) -> Bool { mapping[key] != nil }

    /// The child under `key`, or nil when absent (nothing reported).
    public func value(_ key: String) -> YAMLValue? {
        guard let n = mapping[key] else { return nil }
        if case .scalar(let s) = n, s.tag.description == "tag:yaml.org,2002:null" || (s.style == .plain && ["", "~", "null"].contains(s.string)) {
            return nil
        }
        return YAMLValue(node: n, path: value.child(key), diagnostics: value.diagnostics)
    }

    /// The child under `key`, reporting "missing" when absent.
    public func required(_ key: String) -> YAMLValue? {
        if let v = value(key) { return v }
        value.diagnostics.report(value.mark, value.child(key), "missing required key")
        return nil
    }
}
