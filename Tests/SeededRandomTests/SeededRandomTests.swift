import SeededRandom
import XCTest

// The first outputs of each generator for fixed seeds, pinned from the code before the generators moved
// here (Autograd's xoshiro256**, Corpus's SplitMix64 and its telemetry draws, ModelSampler's seed mixing):
// every stream that trains, shuffles, samples or simulates telemetry depends on them bit for bit.

final class SplitMix64Tests: XCTestCase {
    func testFirstOutputs() {
        var g = SplitMix64(seed: 42)
        XCTAssertEqual((0..<4).map { _ in g.next() },
                       [0xBDD7_3226_2FEB_6E95, 0x28EF_E333_B266_F103, 0x4752_6757_130F_9F52, 0x581C_E1FF_0E4A_E394])
        var zero = SplitMix64(seed: 0)
        XCTAssertEqual((0..<2).map { _ in zero.next() }, [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4])
    }

    func testMixIsTheFirstOutput() {
        XCTAssertEqual(SplitMix64.mix(0), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(SplitMix64.mix(42), 0xBDD7_3226_2FEB_6E95)
    }

    func testBoundedDraws() {
        var g = SplitMix64(seed: 5)
        XCTAssertEqual((0..<6).map { _ in g.next(below: 10) }, [3, 7, 2, 0, 1, 3])
        XCTAssertEqual(g.next(below: (1 << 63) + 5), 5_565_756_737_825_074_100)
    }

    /// The telemetry simulator's and exercise generator's draws, in this order from one generator.
    func testDraws() {
        var g = SplitMix64(seed: 2024)
        XCTAssertEqual(g.unit().bitPattern, 4_603_784_592_822_833_629)
        XCTAssertEqual(g.normal().bitPattern, 13_827_390_891_679_597_920)
        XCTAssertEqual(g.logNormal(median: 2, sigma: 0.5).bitPattern, 4_614_630_561_198_059_401)
        XCTAssertEqual(g.exponential(mean: 3).bitPattern, 4_612_613_103_898_120_325)
        XCTAssertEqual(g.int(10..<20), 11)
        XCTAssertEqual(g.pick(["a", "b", "c", "d", "e"]), "e")
        XCTAssertEqual([g.chance(0.5), g.chance(0.5), g.chance(0.5)], [true, true, true])
        XCTAssertEqual(g.hex(12), "d644a39996a5")
        XCTAssertEqual(g.hex(20), "d811dfdb557fab8ba955")
    }
}

final class SeededGeneratorTests: XCTestCase {
    /// xoshiro256**'s state is SplitMix64's first four outputs for the same seed.
    func testFirstOutputs() {
        var g = SeededGenerator(seed: 42)
        XCTAssertEqual(g.state, [0xBDD7_3226_2FEB_6E95, 0x28EF_E333_B266_F103, 0x4752_6757_130F_9F52, 0x581C_E1FF_0E4A_E394])
        XCTAssertEqual((0..<4).map { _ in g.next() },
                       [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1])
        var zero = SeededGenerator(seed: 0)
        XCTAssertEqual((0..<2).map { _ in zero.next() }, [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A])
        var d = SeededGenerator(seed: 7)
        XCTAssertEqual(d.nextDouble().bitPattern, 4_604_485_451_513_454_382)
        XCTAssertEqual(d.nextFloat().bitPattern, 1_049_540_730)
        XCTAssertEqual(d.nextNormal().bitPattern, 4_611_234_616_235_720_674)
    }

    func testSameSeedSameStreamAndStateRestores() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        for _ in 0..<10 { XCTAssertEqual(a.next(), b.next()) }
        let saved = a.state, halves = a.stateHalves
        let next = (0..<5).map { _ in a.next() }
        var restored = SeededGenerator(state: saved)
        XCTAssertEqual((0..<5).map { _ in restored.next() }, next)
        var fromHalves = SeededGenerator(stateHalves: halves)
        XCTAssertEqual((0..<5).map { _ in fromHalves.next() }, next)
        var c = SeededGenerator(seed: 43)
        XCTAssertNotEqual(SeededGenerator(seed: 42).state, c.state)
        _ = c.next()
    }
}
