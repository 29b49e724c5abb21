// swift-tools-version:6.0
import Foundation
import PackageDescription

// The targets and the one-way arrows between them are docs/architecture.md's; Tests/ArchitectureTests
// fails when this file, the sources' imports and that page disagree.
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
        .target(name: "SeededRandom"),
        // bf16 products through oneDNN, opened with dlopen at run time (no link-time dependency; see its header).
        .target(name: "CBF16", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        // Open MPI, loaded at run time (dlopen) only under mpirun/srun: nothing to link, optional on every machine.
        .target(name: "Collectives"),
        .target(name: "Autograd", dependencies: ["CBLAS", "CBF16", "SeededRandom"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))] + kernelSettings),
        .target(name: "Models", dependencies: ["Autograd", "SeededRandom", "FileFormats"]),
        .target(name: "Tokenizer", dependencies: ["FileFormats"]),
        .target(name: "Corpus", dependencies: ["Tokenizer", "FileFormats", "Problems", "SeededRandom"]),
        .target(name: "Training", dependencies: ["Autograd", "Models", "Tokenizer", "Corpus", "Telemetry", "Evaluation", "Problems", "RunStore", "FileFormats", "SeededRandom", "Collectives"]),
        // The sandbox's supervisor is a Python program embedded in the binary (no bundle lookup at run time).
        .target(name: "Sandbox", resources: [.embedInCode("supervisor.py")]),
        .target(name: "Problems", dependencies: ["Sandbox", "FileFormats"]),
        // The scrubber's labelled set is data, embedded like the supervisor.
        .target(name: "Telemetry", dependencies: ["Corpus", "Tokenizer", "Sandbox", "Problems", "FileFormats", "SeededRandom"],
                resources: [.embedInCode("scrub-labelled-set.jsonl")]),
        .target(name: "Exercises", dependencies: ["Problems", "Sandbox", "FileFormats", "SeededRandom"]),
        .target(name: "Evaluation", dependencies: ["Autograd", "Models", "Tokenizer", "Problems", "Sandbox", "RunStore", "FileFormats", "SeededRandom"]),
        .target(name: "RunStore", dependencies: ["FileFormats", "SeededRandom"]),
        .executableTarget(name: "codetune", dependencies: [
            "Autograd", "Models", "Tokenizer", "Corpus", "Telemetry", "Training", "Evaluation", "Sandbox", "Problems",
            "RunStore", "FileFormats", "Collectives", "Exercises",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"]),
        .testTarget(name: "FileFormatsTests", dependencies: ["FileFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "SeededRandom", "FileFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Autograd", "SeededRandom", "FileFormats"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CorpusTests", dependencies: ["Corpus", "Tokenizer", "FileFormats"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Exercises", "Telemetry", "Models", "Corpus", "Evaluation", "Problems", "Sandbox", "RunStore", "SeededRandom", "Tokenizer"]),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox"], exclude: ["python"]),
        .testTarget(name: "ProblemsTests", dependencies: ["Problems", "FileFormats"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "Corpus", "Problems", "Sandbox", "RunStore", "FileFormats", "SeededRandom"]),
        .testTarget(name: "ExercisesTests", dependencies: ["Exercises", "Problems", "Sandbox", "SeededRandom"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Problems", "Sandbox", "SeededRandom", "RunStore"], exclude: ["Fixtures"]),
        .testTarget(name: "RunStoreTests", dependencies: ["RunStore"], exclude: ["Fixtures"]),
        // The arrows of docs/architecture.md against the imports and the dependencies declared here.
        .testTarget(name: "ArchitectureTests"),
        // Slow end-to-end checks that drive the built `codetune` binary: `swift test --filter EndToEndTests`.
        .testTarget(name: "EndToEndTests", dependencies: ["FileFormats"]),
    ],
    swiftLanguageModes: [.v6]
)
