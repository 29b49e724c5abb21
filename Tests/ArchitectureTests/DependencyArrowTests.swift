import Foundation
import XCTest

/// Holds the arrows of `docs/architecture.md` (the `arrows` block) against the code: every library
/// target imports exactly the project targets its arrow lists, `Package.swift` declares exactly those,
/// and the arrows form no cycle. Third-party modules (Yams, Crypto, ArgumentParser) and the system's
/// (Foundation, Glibc, Dispatch, …) are not project targets and are ignored.
final class DependencyArrowTests: XCTestCase {
    /// The repository root: three levels above this file (Tests/ArchitectureTests/<file>).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testImportsPackageAndDocsAgree() throws {
        let documented = try Self.documentedArrows()
        let targets = Set(documented.keys)
        let onDisk = try Self.sourceTargets()
        XCTAssertEqual(onDisk, targets, "targets under Sources/ and in docs/architecture.md's arrows differ")

        let declared = try Self.declaredDependencies(projectTargets: targets)
        for target in targets.sorted() {
            let imported = try Self.imports(of: target).intersection(targets).subtracting([target])
            let allowed = documented[target] ?? []
            XCTAssertEqual(imported, allowed,
                           "\(target): imports \(imported.sorted()) but docs/architecture.md lists \(allowed.sorted())")
            if let declaredHere = declared[target] {
                XCTAssertEqual(declaredHere, allowed,
                               "\(target): Package.swift declares \(declaredHere.sorted()) but docs/architecture.md lists \(allowed.sorted())")
            } else if !Self.systemLibraries(in: try Self.packageText()).contains(target) {
                XCTFail("\(target): not declared in Package.swift")
            }
        }
    }

    func testArrowsFormNoCycle() throws {
        let arrows = try Self.documentedArrows()
        var state: [String: Int] = [:]   // 1 visiting, 2 done
        func visit(_ node: String, _ path: [String]) {
            if state[node] == 2 { return }
            if state[node] == 1 { XCTFail("cycle: \((path + [node]).joined(separator: " → "))"); return }
            state[node] = 1
            for next in (arrows[node] ?? []).sorted() { visit(next, path + [node]) }
            state[node] = 2
        }
        for node in arrows.keys.sorted() { visit(node, []) }
    }

    func testParsersReadWhatTheyShould() throws {
        XCTAssertEqual(Self.importedModules(in: """
            import Foundation
            @testable import Models
            #if canImport(Glibc)
            import Glibc
            #endif
            import struct FileFormats.InputError
            // import Training
            let s = "import Corpus"
            """), ["Foundation", "Models", "Glibc", "FileFormats"])
        let arrows = try Self.parseArrows("""
            ```arrows
            A →
            B → A
            C → A, B
            ```
            """)
        XCTAssertEqual(arrows, ["A": [], "B": ["A"], "C": ["A", "B"]])
    }

    // MARK: - Reading the three sources

    /// The `arrows` block of docs/architecture.md: target → the project targets it may import.
    static func documentedArrows() throws -> [String: Set<String>] {
        try parseArrows(String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8))
    }

    static func parseArrows(_ markdown: String) throws -> [String: Set<String>] {
        guard let start = markdown.range(of: "```arrows\n"),
              let end = markdown.range(of: "```", range: start.upperBound..<markdown.endIndex) else {
            throw XCTSkip("docs/architecture.md has no ```arrows block")
        }
        var arrows: [String: Set<String>] = [:]
        for line in markdown[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: "→", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let deps = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            arrows[name] = Set(deps)
        }
        return arrows
    }

    /// Directory names under Sources/.
    static func sourceTargets() throws -> Set<String> {
        let dir = root.appendingPathComponent("Sources")
        return Set(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") })
    }

    /// Modules imported by any Swift file of `target` (its directory tree under Sources/).
    static func imports(of target: String) throws -> Set<String> {
        let dir = root.appendingPathComponent("Sources").appendingPathComponent(target)
        var modules: Set<String> = []
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        while let url = walker.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            modules.formUnion(importedModules(in: try String(contentsOf: url, encoding: .utf8)))
        }
        return modules
    }

    /// Module names of the `import` declarations in Swift source `text` (attributes and `import kind`
    /// forms included; comments and strings are not declarations and are skipped by the line start test).
    static func importedModules(in text: String) -> [String] {
        var out: [String] = []
        for raw in text.split(separator: "\n") {
            var words = raw.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            let kinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "let", "var"]
            let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            if let module = path.split(separator: ".").first { out.append(String(module)) }
        }
        return out
    }

    static func packageText() throws -> String {
        try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    }

    /// `.target` / `.executableTarget` names in Package.swift → the project targets in their `dependencies`.
    static func declaredDependencies(projectTargets: Set<String>) throws -> [String: Set<String>] {
        let text = try packageText()
        let pattern = try NSRegularExpression(
            pattern: #"\.(?:target|executableTarget)\(\s*name:\s*"(\w+)"\s*,\s*dependencies:\s*\[(.*?)\]"#,
            options: [.dotMatchesLineSeparators])
        let quoted = try NSRegularExpression(pattern: #""(\w+)""#)
        var out: [String: Set<String>] = [:]
        let ns = text as NSString
        for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: m.range(at: 1))
            let list = ns.substring(with: m.range(at: 2)) as NSString
            let names = quoted.matches(in: list as String, range: NSRange(location: 0, length: list.length))
                .map { list.substring(with: $0.range(at: 1)) }
            out[name] = Set(names).intersection(projectTargets)
        }
        // Targets declared without a dependencies list depend on nothing.
        let bare = try NSRegularExpression(pattern: #"\.(?:target|executableTarget)\(\s*name:\s*"(\w+)"\s*(?:,\s*(?!dependencies)|\))"#)
        for m in bare.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: m.range(at: 1))
            if out[name] == nil { out[name] = [] }
        }
        return out
    }

    /// `.systemLibrary` names in Package.swift (they have no Swift sources and no dependencies).
    static func systemLibraries(in text: String) -> Set<String> {
        guard let pattern = try? NSRegularExpression(pattern: #"\.systemLibrary\(\s*name:\s*"(\w+)""#) else { return [] }
        let ns = text as NSString
        return Set(pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) })
    }
}
