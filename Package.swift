// swift-tools-version:6.0
import Foundation
import PackageDescription

// Dependencies point one way (see DESIGN.md):
// codetune → Training / Evaluation / RunStore → Models → Autograd → CBLAS
// Corpus → Tokenizer; FileFormats → CArchive (one libarchive reader for every input); Training → Corpus; Evaluation → Models, Tokenizer.
// FileFormats (errors with file:line:col, YAML with locations, atomic writes, JSON lines)
// sits below everything that reads user input.
// The numeric kernels (Autograd) are built for AVX2 + FMA in release when the building x86-64 host
// has them (read from /proc/cpuinfo), so their SIMD8 loops use whole 256-bit registers; a host
// without them gets the portable build rather than a binary that stops on an illegal instruction.
#if arch(x86_64)
let hostHasAVX2FMA: Bool = {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    let set = Set(flags.split(separator: " "))
    return set.contains("avx2") && set.contains("fma")
}()
let kernelSettings: [SwiftSetting] = hostHasAVX2FMA
    ? [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))] : []
#else
let kernelSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "codetune",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "codetune", targets: ["codetune"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .target(name: "FileFormats", dependencies: [
            "CArchive",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Autograd", dependencies: ["CBLAS"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))] + kernelSettings),
        .target(name: "Models", dependencies: ["Autograd", "FileFormats"]),
        .target(name: "Tokenizer", dependencies: ["FileFormats"]),
        .target(name: "Corpus", dependencies: ["Tokenizer", "FileFormats"]),
        .target(name: "Training", dependencies: ["Models", "Corpus", "Evaluation", "RunStore", "FileFormats"]),
        .target(name: "Evaluation", dependencies: ["Models", "Tokenizer", "RunStore", "FileFormats"]),
        .target(name: "RunStore", dependencies: ["FileFormats"]),
        .executableTarget(name: "codetune", dependencies: [
            "Autograd", "Models", "Tokenizer", "Corpus", "Training", "Evaluation", "RunStore", "FileFormats",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "FileFormatsTests", dependencies: ["FileFormats"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "FileFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Autograd", "FileFormats"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CorpusTests", dependencies: ["Corpus", "Tokenizer", "FileFormats"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Models", "Corpus", "RunStore", "Evaluation", "Tokenizer"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "RunStore"]),
        .testTarget(name: "RunStoreTests", dependencies: ["RunStore"]),
        // Slow end-to-end checks that drive the built `codetune` binary: `swift test --filter EndToEndTests`.
        .testTarget(name: "EndToEndTests", dependencies: ["FileFormats"]),
    ],
    swiftLanguageModes: [.v5]
)
