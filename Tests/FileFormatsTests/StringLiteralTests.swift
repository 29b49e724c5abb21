import FileFormats
import XCTest

/// `StringLiteral` and `XMLText` give each former copy's output byte for byte. The expected strings were
/// produced by those copies (TokenizerJSON's `jsonQuoted`, SafeTensors' `jsonString`, RunConfigYAML's
/// `yaml`, the exercises' `PythonLiteral.str`, EvalReportFormats' and LossPlot's `xml`) before they went.
final class StringLiteralTests: XCTestCase {
    static let inputs = ["plain", "q\"b\\s", "nl\ncr\rtab\t", "bs\u{08}ff\u{0C}", "c\u{01}\u{1F}\u{7F}", "é😀", "apos\'x", "a<b>&c", "\u{FFFE}\u{0B}x"]

    func check(_ style: StringLiteral, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(expected.count, Self.inputs.count, file: file, line: line)
        for (input, want) in zip(Self.inputs, expected) {
            XCTAssertEqual(style.quote(input), want, "\(style) of \(input.debugDescription)", file: file, line: line)
        }
    }

    /// tokenizer.json, as serde_json writes it.
    func testJSON() {
        check(.json, ["\"plain\"", "\"q\\\"b\\\\s\"", "\"nl\\ncr\\rtab\\t\"", "\"bs\\bff\\f\"", "\"c\\u0001\\u001f\u{7F}\"", "\"é😀\"", "\"apos\'x\"", "\"a<b>&c\"", "\"\u{FFFE}\\u000bx\""])
    }

    /// safetensors headers: backspace and form feed as `\u00xx` too.
    func testJSONUnicodeControls() {
        check(.jsonUnicodeControls, ["\"plain\"", "\"q\\\"b\\\\s\"", "\"nl\\ncr\\rtab\\t\"", "\"bs\\u0008ff\\u000c\"", "\"c\\u0001\\u001f\u{7F}\"", "\"é😀\"", "\"apos\'x\"", "\"a<b>&c\"", "\"\u{FFFE}\\u000bx\""])
    }

    /// `config.yaml` scalars that are not plain-safe.
    func testYAMLDoubleQuoted() {
        check(.yamlDoubleQuoted, ["\"plain\"", "\"q\\\"b\\\\s\"", "\"nl\\ncr\rtab\\t\"", "\"bs\u{08}ff\u{0C}\"", "\"c\u{01}\u{1F}\u{7F}\"", "\"é😀\"", "\"apos\'x\"", "\"a<b>&c\"", "\"\u{FFFE}\u{0B}x\""])
    }

    /// Exercise inputs and expected values.
    func testPythonSingleQuoted() {
        check(.pythonSingleQuoted, ["\'plain\'", "\'q\"b\\\\s\'", "\'nl\\ncr\rtab\\t\'", "\'bs\u{08}ff\u{0C}\'", "\'c\u{01}\u{1F}\u{7F}\'", "\'é😀\'", "\'apos\\\'x\'", "\'a<b>&c\'", "\'\u{FFFE}\u{0B}x\'"])
    }
}

final class XMLTextTests: XCTestCase {
    /// junit.xml.
    func testEscapesApostrophesAndDropsWhatXMLCannotHold() {
        let expected = ["plain", "q&quot;b\\s", "nl\ncr\rtab\t", "bsff", "c\u{7F}", "é😀", "apos&apos;x", "a&lt;b&gt;&amp;c", "x"]
        XCTAssertEqual(StringLiteralTests.inputs.map { XMLText.escaped($0) }, expected)
    }

    /// The loss plot's SVG keeps apostrophes as they are. Characters XML cannot hold are dropped here too,
    /// and a markup character followed by a combining mark is escaped: the plot used to write both as they
    /// were (so its SVG was not well-formed XML for such a stage name).
    func testWithoutApostrophes() {
        let expected = ["plain", "q&quot;b\\s", "nl\ncr\rtab\t", "bsff", "c\u{7F}", "é😀", "apos\'x", "a&lt;b&gt;&amp;c", "x"]
        XCTAssertEqual(StringLiteralTests.inputs.map { XMLText.escaped($0, apostrophes: false) }, expected)
        XCTAssertEqual(XMLText.escaped("<\u{0338}&\u{0301}", apostrophes: false), "&lt;\u{0338}&amp;\u{0301}")
    }
}
