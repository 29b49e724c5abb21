@testable import FileFormats
import Foundation
import XCTest

/// The GGUF reader: `tiny.gguf` (written by llama.cpp's Python writer, see `Fixtures/make_gguf.py`) read
/// back value for value, its tensors dequantized bit for bit as `gguf.quants.dequantize` does, and one
/// clear error line (file + key or tensor) for every way a file can be broken.
final class GGUFTests: XCTestCase {
    func fixture(_ name: String) throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent(name)
    }

    struct ExpectedInfo: Decodable {
        var name: String, ne: [Int], type: String, file_offset: Int, bytes: Int
    }

    struct Expected: Decodable {
        var alignment: Int, data_offset: Int, tensors: [ExpectedInfo]
    }

    func testTensorInfosAgreeWithGGUFReader() throws {
        let f = try GGUFFile(contentsOf: fixture("tiny.gguf"))
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixture("tiny_expected.json")))
        XCTAssertEqual(f.version, 3)
        XCTAssertEqual(f.alignment, expected.alignment)
        XCTAssertEqual(f.dataStart, expected.data_offset)
        XCTAssertEqual(f.tensors.map(\.name), expected.tensors.map(\.name))
        for (t, e) in zip(f.tensors, expected.tensors) {
            XCTAssertEqual(t.dimensions, e.ne, t.name)
            XCTAssertEqual(t.shape, e.ne.reversed(), t.name)
            XCTAssertEqual(t.type.name, e.type, t.name)
            XCTAssertEqual(f.dataStart + t.offset, e.file_offset, t.name)
            XCTAssertEqual(t.byteCount, e.bytes, t.name)
        }
    }

    /// Every dequantizable tensor equals `gguf.quants.dequantize` bit for bit (NaN, ±0, ±inf, subnormals included).
    func testDequantizationIsBitwiseEqualToTheGGUFPackage() throws {
        let f = try GGUFFile(contentsOf: fixture("tiny.gguf"))
        let expected = try SafeTensorsFile(contentsOf: fixture("tiny_expected.safetensors"))
        var compared = 0
        for t in f.tensors where t.type.isDequantizable {
            let want = try expected.floats(t.name)
            XCTAssertEqual(try expected.entry(t.name).shape, t.shape, t.name)
            let got = try f.floats(t.name, shape: t.shape)
            XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "\(t.name) (\(t.type))")
            compared += got.count
        }
        XCTAssertEqual(Set(f.tensors.filter(\.type.isDequantizable).map(\.type)), Set(GGMLType.dequantizable))
        XCTAssertEqual(compared, 96 + 32 + 32 + 3 * 256 + 384)
        XCTAssertTrue(try f.floats("f16").contains { $0.isNaN }, "the F16 fixture holds a NaN")
    }

    func testMetadataOfEveryValueType() throws {
        let f = try GGUFFile(contentsOf: fixture("tiny.gguf"))
        let m = f.metadata
        XCTAssertEqual(f.architecture, "llama")
        XCTAssertEqual(m["test.uint8"], .uint8(200))
        XCTAssertEqual(m["test.int8"], .int8(-100))
        XCTAssertEqual(m["test.uint16"], .uint16(60000))
        XCTAssertEqual(m["test.int16"], .int16(-30000))
        XCTAssertEqual(m["test.uint32"], .uint32(4_000_000_000))
        XCTAssertEqual(m["test.int32"], .int32(-2_000_000_000))
        XCTAssertEqual(m["test.float32"], .float32(0.1))
        XCTAssertEqual(m["test.uint64"], .uint64(1 << 63 + 5))
        XCTAssertEqual(m["test.int64"], .int64(-(1 << 62)))
        XCTAssertEqual(m["test.float64"], .float64(Double.pi))
        XCTAssertEqual(m["test.bool"], .bool(true))
        XCTAssertEqual(try f.string("test.string"), "héllo ✓\n\"quoted\"")
        XCTAssertEqual(try f.strings("test.strings"), ["a", "", "ünï", "<|endoftext|>"])
        XCTAssertEqual(try f.integers("test.int32s"), [1, -2, 3])
        XCTAssertEqual(m["test.uint8s"], .array(.uint8, [.uint8(0), .uint8(255), .uint8(7)]))
        XCTAssertEqual(m["test.float64s"], .array(.float64, [.float64(0.5), .float64(-1e300)]))
        XCTAssertEqual(m["test.bools"], .array(.bool, [.bool(true), .bool(false), .bool(true)]))
        XCTAssertEqual(m["test.nested"], .array(.array, [.array(.int32, [.int32(1), .int32(2)]), .array(.int32, [.int32(3)])]))
        XCTAssertEqual(try f.integer("general.alignment"), 64)
        XCTAssertEqual(try f.integer("test.uint32"), 4_000_000_000)
        XCTAssertNil(m["test.uint64"]?.integer, "2^63 + 5 does not fit in Int")
        XCTAssertEqual(f.keys.first, "general.architecture")
        XCTAssertEqual(Set(f.keys), Set(m.keys))
        XCTAssertThrowsError(try f.integer("test.string")) {
            XCTAssertEqual("\($0)", "\(f.path): test.string: is \"héllo ✓\\n\\\"quoted\\\"\" (string), expected an integer")
        }
        XCTAssertThrowsError(try f.string("test.int32")) { XCTAssertEqual("\($0)", "\(f.path): test.int32: is int32, expected a string") }
        XCTAssertThrowsError(try f.strings("test.int32s")) {
            XCTAssertEqual("\($0)", "\(f.path): test.int32s: is array, expected an array of strings")
        }
        XCTAssertThrowsError(try f.integer("nope")) { XCTAssertEqual("\($0)", "\(f.path): nope: missing metadata key") }
    }

    func testRefusesTypesItCannotDequantizeNamingTensorAndType() throws {
        let f = try GGUFFile(contentsOf: fixture("tiny.gguf"))
        XCTAssertThrowsError(try f.floats("q6_k")) { error in
            XCTAssertEqual("\(error)", "\(f.path): q6_k: tensor type Q6_K is not supported (only F32, F16, BF16, Q8_0, Q4_0, Q4_1)")
        }
        XCTAssertEqual(try f.withBytes(of: "q6_k") { $0.count }, 210, "raw bytes stay readable")
        XCTAssertThrowsError(try f.floats("nope")) { XCTAssertEqual("\($0)", "\(f.path): nope: missing tensor") }
        XCTAssertThrowsError(try f.floats("q8_0", shape: [64, 4])) { XCTAssertTrue("\($0)".contains("q8_0: shape [4, 64]")) }
    }

    // MARK: Broken files

    /// Builds GGUF bytes by hand, for the cases the Python writer will not produce.
    struct Builder {
        var bytes: [UInt8] = []
        mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
        mutating func pad(to alignment: Int) { while bytes.count % alignment != 0 { bytes.append(0) } }

        /// A version-`version` file with one u32 key and one tensor `w` of `type` and `dims`, data included.
        static func file(version: UInt32 = 3, type: UInt32 = 0, dims: [UInt64] = [4], offset: UInt64 = 0,
                         dataBytes: Int = 16, magic: String = "GGUF") -> Data {
            var b = Builder()
            b.bytes += Array(magic.utf8)
            b.u32(version)
            b.u64(1)  // tensors
            b.u64(1)  // key/values
            b.string("general.alignment"); b.u32(GGUFValueType.uint32.rawValue); b.u32(32)
            b.string("w"); b.u32(UInt32(dims.count)); for d in dims { b.u64(d) }; b.u32(type); b.u64(offset)
            b.pad(to: 32)
            for i in 0..<dataBytes { b.bytes.append(UInt8(i & 0xFF)) }
            return Data(b.bytes)
        }
    }

    func assertError(_ data: Data, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try GGUFFile(data: data, path: "m.gguf").floats("w"), file: file, line: line) { error in
            XCTAssertTrue(error is InputError, "not an InputError: \(error)", file: file, line: line)
            XCTAssertEqual("\(error)", expected, file: file, line: line)
        }
    }

    func testHandBuiltFileReadsInVersionsTwoAndThree() throws {
        for version: UInt32 in [2, 3] {
            let f = try GGUFFile(data: Builder.file(version: version), path: "m.gguf")
            XCTAssertEqual(f.version, version)
            XCTAssertEqual(f.dataStart % 32, 0)
            XCTAssertEqual(try f.floats("w").count, 4)
        }
    }

    func testVersion2OfThePythonFixture() throws {
        var bytes = [UInt8](try Data(contentsOf: fixture("tiny.gguf")))
        bytes[4] = 2  // versions 2 and 3 share the layout
        let f = try GGUFFile(data: Data(bytes), path: "v2.gguf")
        XCTAssertEqual(f.version, 2)
        XCTAssertEqual(f.tensors.count, 8)
    }

    func testBrokenFilesGiveOneLineNamingFileAndPlace() throws {
        assertError(Data("GG".utf8), "m.gguf: truncated: 2 bytes, shorter than the GGUF magic")
        assertError(Builder.file(magic: "GGML"), "m.gguf: not a GGUF file (magic \"GGML\", expected \"GGUF\")")
        assertError(Builder.file(version: 1), "m.gguf: GGUF version 1 is not supported (only 2 and 3)")
        assertError(Builder.file(version: UInt32(3).byteSwapped), "m.gguf: big-endian GGUF is not supported")
        assertError(Builder.file(type: 14, dims: [256], dataBytes: 210),
                    "m.gguf: w: tensor type Q6_K is not supported (only F32, F16, BF16, Q8_0, Q4_0, Q4_1)")
        assertError(Builder.file(type: 99), "m.gguf: w: tensor type type 99 is not supported (only F32, F16, BF16, Q8_0, Q4_0, Q4_1)")
        assertError(Builder.file(offset: 32), "m.gguf: w: data [32, 48) goes beyond the data section (16 bytes): truncated file")
        assertError(Builder.file(offset: 8), "m.gguf: w: offset 8 is not a multiple of the alignment 32")
        assertError(Builder.file(type: 8, dims: [33], dataBytes: 64), "m.gguf: w: first dimension 33 is not a multiple of the Q8_0 block size 32")
        assertError(Builder.file(dims: [2, 2, 2, 2, 2]), "m.gguf: w: has 5 dimensions (ggml allows 1 to 4)")
        assertError(Builder.file(dims: [1 << 40]), "m.gguf: w: dimension 1099511627776 is too large")
        assertError(Builder.file(dims: [1 << 39, 1 << 39]), "m.gguf: w: dimensions [549755813888, 549755813888] are too large")
        assertError(Builder.file(type: 99, dims: [1 << 39, 1 << 39]), "m.gguf: w: dimensions [549755813888, 549755813888] are too large")
    }

    func testTruncationAnywhereIsAnErrorNeverATrap() throws {
        let whole = try Data(contentsOf: fixture("tiny.gguf"))
        let full = try GGUFFile(data: whole, path: "t.gguf")
        // The writer pads the last tensor to the alignment; cutting only padding leaves a valid file.
        let end = full.dataStart + full.tensors.map { $0.offset + $0.byteCount! }.max()!
        var errors = 0
        for n in stride(from: 0, to: end, by: 7) {
            do {
                let f = try GGUFFile(data: whole.prefix(n), path: "t.gguf")
                for t in f.tensors where t.type.isDequantizable { _ = try f.floats(t.name) }
                XCTFail("a file cut at \(n) of \(end) bytes was accepted")
            } catch let e as InputError {
                XCTAssertTrue(e.description.hasPrefix("t.gguf: "), e.description)
                XCTAssertFalse(e.description.contains("\n"))
                errors += 1
            }
        }
        XCTAssertGreaterThan(errors, 300)
    }

    func testCorruptCountsAndTypesAreErrors() throws {
        var b = Builder()
        b.bytes += Array("GGUF".utf8); b.u32(3); b.u64(0); b.u64(1)
        b.string("k"); b.u32(9); b.u32(8); b.u64(UInt64.max)  // an array of 2^64 − 1 strings
        assertError(Data(b.bytes), "m.gguf: k: truncated or corrupt: array length is 18446744073709551615 but only 0 bytes are left")
        b = Builder()
        b.bytes += Array("GGUF".utf8); b.u32(3); b.u64(0); b.u64(1)
        b.string("k"); b.u32(13)
        assertError(Data(b.bytes), "m.gguf: k: unknown value type 13")
        b = Builder()
        b.bytes += Array("GGUF".utf8); b.u32(3); b.u64(0); b.u64(1)
        b.string("k"); b.u32(8); b.u64(2); b.bytes += [0xFF, 0xFE]
        assertError(Data(b.bytes), "m.gguf: k: string value is not valid UTF-8")
        b = Builder()
        b.bytes += Array("GGUF".utf8); b.u32(3); b.u64(0); b.u64(2)
        b.string("k"); b.u32(7); b.bytes.append(1)
        b.string("k"); b.u32(7); b.bytes.append(0)
        assertError(Data(b.bytes), "m.gguf: k: duplicate metadata key")
        b = Builder()
        b.bytes += Array("GGUF".utf8); b.u32(3); b.u64(0); b.u64(1)
        b.string("general.alignment"); b.u32(4); b.u32(24)
        assertError(Data(b.bytes), "m.gguf: general.alignment: must be a power of two, is 24")
        b = Builder()
        b.bytes += Array("GGUF".utf8); b.u32(3); b.u64(1 << 40); b.u64(0)
        assertError(Data(b.bytes), "m.gguf: truncated or corrupt: tensor count is 1099511627776 but only 8 bytes are left")
    }
}
