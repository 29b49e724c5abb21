import Foundation
import Tokenizer
import XCTest

/// The hand-written splitter against the GPT-2 pattern run by `NSRegularExpression` (ICU).
final class PreTokenizerTests: XCTestCase {
    /// The GPT-2 pattern with `\s` spelled out as Unicode `White_Space` (Oniguruma's `\s`, which
    /// `tokenizers` uses; ICU's own `\s` leaves out U+000B and U+0085).
    static let pattern: NSRegularExpression = {
        let ws = "[\\x{9}-\\x{D}\\x{85}\\p{Z}]", notWs = "[^\\x{9}-\\x{D}\\x{85}\\p{Z}]"
        let p = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\x{9}-\\x{D}\\x{85}\\p{Z}\\p{L}\\p{N}]+|\(ws)+(?!\(notWs))|\(ws)+"
        return try! NSRegularExpression(pattern: p)
    }()

    /// Words by the regular expression, as UTF-8 byte ranges.
    static func regexWords(_ text: String) -> [Range<Int>] {
        let ns = text as NSString
        return pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            let before = ns.substring(to: m.range.location).utf8.count
            return before..<(before + ns.substring(with: m.range).utf8.count)
        }
    }

    func testMatchesRegexOnRandomText() {
        let alphabet: [String] = ["a", "Z", "s", "t", "r", "e", "v", "l", "m", "d", "'", "0", "7", " ", " ", " ",
                                  "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{3000}", "\u{2028}", "\u{1C}",
                                  ".", "(", "_", "-", "é", "ß", "中", "한", "²", "①", "Ⅷ", "٣", "\u{301}", "\u{200B}",
                                  "\u{AD}", "😀", "🏽", "€", "\u{10400}", "\u{20000}", "\u{E000}"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let n = Int.random(in: 0...30, using: &rng)
            let text = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            XCTAssertEqual(PreTokenizer.words(text), Self.regexWords(text), text.debugDescription)
        }
    }

    func testExamples() {
        func split(_ s: String) -> [String] {
            let b = Array(s.utf8)
            return PreTokenizer.words(s).map { String(decoding: b[$0], as: UTF8.self) }
        }
        XCTAssertEqual(split("Hello world"), ["Hello", " world"])
        XCTAssertEqual(split("x   = 1"), ["x", "  ", " =", " 1"])
        XCTAssertEqual(split("a\n\n    b"), ["a", "\n\n   ", " b"])
        XCTAssertEqual(split("it's 'll"), ["it", "'s", " '", "ll"])
        XCTAssertEqual(split("end  "), ["end", "  "])
        XCTAssertEqual(split("\tx"), ["\t", "x"])
        XCTAssertEqual(split(""), [])
    }
}
