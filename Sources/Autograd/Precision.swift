// Precision: which arithmetic the matrix products of a tape use, and what `auto` resolves to here.

import CBF16

/// The arithmetic of a tape's matrix products (`linear`, forward and both backward products).
///
/// - `fp32`: Float32 operands through OpenBLAS sgemm (the default; bit-identical to earlier releases).
/// - `bf16`: operands rounded to bfloat16 (round to nearest even), products accumulated and returned in
///   Float32 by oneDNN's matmul, as `torch.autocast("cpu", dtype=torch.bfloat16)` runs `nn.Linear`.
///   Everything else (master weights, gradients, AdamW, norms, softmax, RoPE, attention, the loss) stays
///   Float32.
public enum MatmulPrecision: String, Sendable, Codable, CaseIterable {
    case fp32, bf16
}

/// A precision as a user writes it (`precision:` in a run config, `--precision` on the command line):
/// `auto` is bf16 where the CPU has native bf16 dot products and oneDNN loads, fp32 elsewhere.
public enum PrecisionSetting: String, Sendable, Codable, CaseIterable {
    case fp32, bf16, auto

    /// What runs on this machine: `bf16` and `auto` become fp32 when bf16 products are unavailable
    /// (`BF16Products.unavailableReason` says why).
    public var resolved: MatmulPrecision {
        switch self {
        case .fp32: return .fp32
        case .bf16, .auto: return BF16Products.isAvailable ? .bf16 : .fp32
        }
    }

    /// A one-line note when an explicit `bf16` request falls back to fp32 on this machine, else nil.
    public var fallbackNote: String? {
        guard self == .bf16, !BF16Products.isAvailable else { return nil }
        return "precision bf16 unavailable (\(BF16Products.unavailableReason)); running fp32"
    }
}

/// Whether bf16 products can run in this process (CPU with AVX512-BF16, oneDNN's libdnnl.so.2 loadable).
public enum BF16Products {
    /// True when bf16 products run here. The first read loads oneDNN (dlopen).
    public static var isAvailable: Bool { cbf16_available() != 0 }

    /// True when the CPU has AVX512-BF16 dot products (whether or not oneDNN is present).
    public static var cpuHasBF16: Bool { cbf16_cpu_has_bf16() != 0 }

    /// Why bf16 products are unavailable ("" when they are available).
    public static var unavailableReason: String { String(cString: cbf16_unavailable_reason()) }

    /// Waits until the decoder's helper thread (`InferenceKernels.linearRowsBF16`, two or more workers) reads
    /// nothing of a product that has returned: call before deallocating a bf16 weight or vector buffer such a
    /// product read.
    public static func quiesceDecodingHelper() { cbf16_rows_pair_quiesce() }

    /// Rounds `count` floats to bf16 (nearest even), split over the workers.
    public static func round(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<UInt16>, count: Int) {
        BF16Workspace.convert(src, dst, count: count)
    }
}
