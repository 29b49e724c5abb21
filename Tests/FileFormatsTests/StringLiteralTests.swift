import FileFormats
import XCTest

/// `StringLiteral` and `XMLText` give every former copy's output byte for byte. The expected strings were
/// produced by those copies (TokenizerJSON's `jsonQuoted`, SafeTensors' `jsonString`, RunConfigYAML's
/// `yaml`, the exercises' `PythonLiteral.str`, EvalReportFormats' and LossPlot's `xml`) before they went.
final class StringLiteralTests: XCTestCase {
    /// tokenizer.json, as serde_json writes it.
    func testJSON() {
        XCTAssertEqual(StringLiteral.json.quote("plain"), "\"plain\"")
        XCTAssertEqual(StringLiteral.json.quote("q\"b\\s"), "\"q\\\"b\\\\s\"")
        XCTAssertEqual(StringLiteral.json.quote("nl\ncr\rtab\t"), "\"nl\\ncr\\rtab\\t\"")
        XCTAssertEqual(StringLiteral.json.quote("bs\u{08}ff\u{0C}"), "\"bs\\bff\\f\"")
        XCTAssertEqual(StringLiteral.json.quote("c\u{01}\u{1F}\u{7F}"), "\"c\\u0001\\u001f\u{7F}\"")
        XCTAssertEqual(StringLiteral.json.quote("é😀"), "\"é😀\"")
        XCTAssertEqual(StringLiteral.json.quote("apos\'x"), "\"apos\'x\"")
        XCTAssertEqual(StringLiteral.json.quote("a<b>&c"), "\"a<b>&c\"")
        XCTAssertEqual(StringLiteral.json.quote("\u{FFFE}\u{0B}x"), "\"\u{FFFE}\\u000bx\"")
    }

    /// safetensors headers: backspace and form feed as `\u00xx` too.
    func testJSONUnicodeControls() {
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("plain"), "\"plain\"")
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("q\"b\\s"), "\"q\\\"b\\\\s\"")
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("nl\ncr\rtab\t"), "\"nl\\ncr\\rtab\\t\"")
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("bs\u{08}ff\u{0C}"), "\"bs\\u0008ff\\u000c\"")
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("c\u{01}\u{1F}\u{7F}"), "\"c\\u0001\\u001f\u{7F}\"")
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("é😀"), "\"é😀\"")
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("apos\'x"), "\"apos\'x\"")
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("a<b>&c"), "\"a<b>&c\"")
        XCTAssertEqual(StringLiteral.jsonUnicodeControls.quote("\u{FFFE}\u{0B}x"), "\"\u{FFFE}\\u000bx\"")
    }

    /// `config.yaml` scalars that are not plain-safe.
    func testYAMLDoubleQuoted() {
        XCTAssertEqual(StringLiteral.yamlDoubleQuoted.quote("q\"b\\s"), "\"q\\\"b\\\\s\"")
        XCTAssertEqual(StringLiteral.yamlDoubleQuoted.quote("nl\ncr\rtab\t"), "\"nl\\ncr\rtab\\t\"")
        XCTAssertEqual(StringLiteral.yamlDoubleQuoted.quote("bs\u{08}ff\u{0C}"), "\"bs\u{08}ff\u{0C}\"")
        XCTAssertEqual(StringLiteral.yamlDoubleQuoted.quote("c\u{01}\u{1F}\u{7F}"), "\"c\u{01}\u{1F}\u{7F}\"")
        XCTAssertEqual(StringLiteral.yamlDoubleQuoted.quote("é😀"), "\"é😀\"")
        XCTAssertEqual(StringLiteral.yamlDoubleQuoted.quote("apos\'x"), "\"apos\'x\"")
        XCTAssertEqual(StringLiteral.yamlDoubleQuoted.quote("a<b>&c"), "\"a<b>&c\"")
        XCTAssertEqual(StringLiteral.yamlDoubleQuoted.quote("\u{FFFE}\u{0B}x"), "\"\u{FFFE}\u{0B}x\"")
    }

    /// Exercise inputs and expected values.
    func testPythonSingleQuoted() {
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("plain"), "\'plain\'")
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("q\"b\\s"), "\'q\"b\\\\s\'")
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("nl\ncr\rtab\t"), "\'nl\\ncr\rtab\\t\'")
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("bs\u{08}ff\u{0C}"), "\'bs\u{08}ff\u{0C}\'")
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("c\u{01}\u{1F}\u{7F}"), "\'c\u{01}\u{1F}\u{7F}\'")
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("é😀"), "\'é😀\'")
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("apos\'x"), "\'apos\\\'x\'")
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("a<b>&c"), "\'a<b>&c\'")
        XCTAssertEqual(StringLiteral.pythonSingleQuoted.quote("\u{FFFE}\u{0B}x"), "\'\u{FFFE}\u{0B}x\'")
    }
}

final class XMLTextTests: XCTestCase {
    /// junit.xml.
    func testEscapesApostrophesAndDropsWhatXMLCannotHold() {
        XCTAssertEqual(XMLText.escaped("plain"), "plain")
        XCTAssertEqual(XMLText.escaped("q\"b\\s"), "q&quot;b\\s")
        XCTAssertEqual(XMLText.escaped("nl\ncr\rtab\t"), "nl\ncr\rtab\t")
        XCTAssertEqual(XMLText.escaped("bs\u{08}ff\u{0C}"), "bsff")
        XCTAssertEqual(XMLText.escaped("c\u{01}\u{1F}\u{7F}"), "c\u{7F}")
        XCTAssertEqual(XMLText.escaped("é😀"), "é😀")
        XCTAssertEqual(XMLText.escaped("apos\'x"), "apos&apos;x")
        XCTAssertEqual(XMLText.escaped("a<b>&c"), "a&lt;b&gt;&amp;c")
        XCTAssertEqual(XMLText.escaped("\u{FFFE}\u{0B}x"), "x")
    }

    /// The loss plot's SVG keeps apostrophes as they are. Characters XML cannot hold are dropped here too;
    /// the plot used to write them (and so was not well-formed XML for such a stage name).
    func testWithoutApostrophes() {
        XCTAssertEqual(XMLText.escaped("plain", apostrophes: false), "plain")
        XCTAssertEqual(XMLText.escaped("q\"b\\s", apostrophes: false), "q&quot;b\\s")
        XCTAssertEqual(XMLText.escaped("nl\ncr\rtab\t", apostrophes: false), "nl\ncr\rtab\t")
        XCTAssertEqual(XMLText.escaped("bs\u{08}ff\u{0C}", apostrophes: false), "bsff")
        XCTAssertEqual(XMLText.escaped("c\u{01}\u{1F}\u{7F}", apostrophes: false), "c\u{7F}")
        XCTAssertEqual(XMLText.escaped("é😀", apostrophes: false), "é😀")
        XCTAssertEqual(XMLText.escaped("apos\'x", apostrophes: false), "apos\'x")
        XCTAssertEqual(XMLText.escaped("a<b>&c", apostrophes: false), "a&lt;b&gt;&amp;c")
        XCTAssertEqual(XMLText.escaped("\u{FFFE}\u{0B}x", apostrophes: false), "x")
        // Scalar by scalar: a markup character with a combining mark is escaped (the plot used to leave it raw).
        XCTAssertEqual(XMLText.escaped("<\u{0338}&\u{0301}", apostrophes: false), "&lt;\u{0338}&amp;\u{0301}")
    }
}
