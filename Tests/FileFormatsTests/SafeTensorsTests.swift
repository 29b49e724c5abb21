@testable import FileFormats
import Foundation
import XCTest

/// The safetensors reader and writer: round trip, dtypes written by the Python library, and one clear
/// error line (file + tensor) for every way a file can be broken.
final class SafeTensorsTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// Header (as a JSON string) + data bytes in safetensors framing.
    func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        var out = Data()
        var n = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    func assertError(_ data: Data, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsFile(data: data, path: "w.safetensors").floats("a"), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(error is InputError, "not an InputError: \(text)", file: file, line: line)
            XCTAssertFalse(text.contains("\n"), "more than one line: \(text)", file: file, line: line)
            for p in ["w.safetensors"] + parts {
                XCTAssertTrue(text.contains(p), "\"\(text)\" does not mention \(p)", file: file, line: line)
            }
        }
    }

    func testRoundTrip() throws {
        let a: [Float] = [1, -2, 3.5, .pi, 0, -0.0, 1e-30, 6]
        let b: [Float] = [42]
        let data = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                SafeTensorsWriter.data([.init(name: "layer.b", shape: [], values: pb),
                                        .init(name: "a", shape: [2, 4], values: pa)])
            }
        }
        let header = UInt64(data[0]) | UInt64(data[1]) << 8
        XCTAssertEqual((8 + header) % 8, 0, "data section starts 8-byte aligned")
        let f = try SafeTensorsFile(data: data, path: "x")
        XCTAssertEqual(f.metadata, ["format": "pt"])
        XCTAssertEqual(f.names, ["a", "layer.b"])
        XCTAssertEqual(try f.entry("a").shape, [2, 4])
        XCTAssertEqual(try f.floats("a", shape: [2, 4]).map(\.bitPattern), a.map(\.bitPattern))
        XCTAssertEqual(try f.floats("layer.b"), b)
    }

    /// `dtypes.safetensors` was written by the Python `safetensors` library from PyTorch tensors.
    func testReadsFilesWrittenByPythonIncludingHalfTypes() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            .appendingPathComponent("dtypes.safetensors")
        let f = try SafeTensorsFile(contentsOf: url)
        let f32 = try f.floats("f32", shape: [2, 4])
        XCTAssertEqual(f32[1], 1)
        XCTAssertEqual(f32[2], -2.5)
        XCTAssertEqual(try f.floats("f16").map(\.bitPattern), f32.map(\.bitPattern))
        XCTAssertEqual(try f.floats("bf16").map(\.bitPattern), f32.map(\.bitPattern))
        XCTAssertEqual(try f.integers("i64"), [0, 1, -100, 1 << 40])
        XCTAssertEqual(try f.integers("i32"), [7, -8, 9, 1 << 30])
        XCTAssertThrowsError(try f.floats("i64"))
        XCTAssertThrowsError(try f.integers("f32"))
    }

    func testHalfConversionEdgeCases() {
        XCTAssertEqual(floatFromHalf(0x3C00), 1)
        XCTAssertEqual(floatFromHalf(0xC000), -2)
        XCTAssertEqual(floatFromHalf(0x7BFF), 65504)
        XCTAssertEqual(floatFromHalf(0x0001), 0x1p-24)          // smallest subnormal
        XCTAssertEqual(floatFromHalf(0x8000).bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(floatFromHalf(0x7C00), .infinity)
        XCTAssertTrue(floatFromHalf(0x7E00).isNaN)
    }

    func testTruncatedFile() {
        assertError(Data([1, 2, 3]), contains: ["truncated"])
        let whole = file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0, 0, 0, 128, 63])
        XCTAssertEqual(try SafeTensorsFile(data: whole, path: "w").floats("a"), [0, 1])
        assertError(whole.prefix(whole.count - 3), contains: ["a", "beyond", "truncated"])
        assertError(whole.prefix(20), contains: ["header length", "beyond the end"])
    }

    func testHeaderLengthBeyondFile() {
        assertError(file(header: "{}", declaredLength: 1 << 40), contains: ["header length 1099511627776", "beyond the end"])
    }

    func testBadJSON() {
        assertError(file(header: #"{"a": {"dtype": "F32""#), contains: ["not a JSON object"])
        assertError(file(header: "[1, 2]"), contains: ["not a JSON object"])
    }

    func testOffsetsOutOfRangeAndOverlapping() {
        assertError(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [0, 0, 0, 0]),
                    contains: ["a", "data_offsets [4, 8]"])
        assertError(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]),
                    contains: ["a", "data_offsets"])
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        assertError(file(header: overlap, data: [UInt8](repeating: 0, count: 8)), contains: ["b", "overlaps tensor a"])
    }

    func testDtypeShapeAndByteCountMismatch() {
        assertError(file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
                    contains: ["a", "shape [3] needs 12 bytes", "give 8"])
        assertError(file(header: #"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,1]}}"#, data: [0]),
                    contains: ["a", "dtype Q4 is not supported"])
        assertError(file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                    contains: ["a", "shape"])
    }

    func testMissingTensor() {
        assertError(file(header: #"{"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                    contains: ["a", "missing tensor"])
    }

    func testShapeDisagreeingWithExpectation() throws {
        let f = try SafeTensorsFile(data: file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                                               data: [UInt8](repeating: 0, count: 8)), path: "w.safetensors")
        XCTAssertThrowsError(try f.floats("a", shape: [1, 2])) { error in
            XCTAssertEqual("\(error)", "w.safetensors: a: shape [2] disagrees with the config, which needs [1, 2]")
        }
    }
}
