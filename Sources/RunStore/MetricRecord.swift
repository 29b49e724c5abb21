import Foundation

/// One line of `metrics.jsonl`: a training report (mean over the steps since the last one),
/// a validation measurement, or a periodic eval's pass@k (`split: eval`, no `loss`).
public struct MetricRecord: Codable, Equatable, Sendable {
    public enum Split: String, Codable, Sendable { case train, val, eval }

    /// Optimizer steps taken since the run began (counts across stages; the resume key).
    public var step: Int
    /// Name of the stage the step belongs to.
    public var stage: String
    /// Steps taken within the stage.
    public var stageStep: Int
    public var split: Split
    /// Mean cross-entropy in nats per predicted token; NaN for an `eval` record (written without `loss`).
    public var loss: Double
    public var lr: Double?
    /// L2 norm of the gradient before clipping.
    public var gradNorm: Double?
    /// Tokens consumed since the run began (inputs, counted across stages).
    public var tokens: Int
    public var tokensPerSecond: Double?
    /// Model FLOP utilisation: achieved FLOP/s over measured sgemm peak, 0...1.
    public var mfu: Double?
    /// Wall clock, seconds since 1970.
    public var time: Double
    /// Training seconds since the run began, summed over launches.
    public var elapsed: Double
    /// `eval` records: the suite's name, its pass@k (`pass@K` → value) and the problems scored.
    public var suite: String? = nil
    public var passAtK: [String: Double]? = nil
    public var problems: Int? = nil

    public init(step: Int, stage: String, stageStep: Int, split: Split, loss: Double, lr: Double? = nil,
                gradNorm: Double? = nil, tokens: Int, tokensPerSecond: Double? = nil, mfu: Double? = nil,
                time: Double = Date().timeIntervalSince1970, elapsed: Double) {
        self.step = step
        self.stage = stage
        self.stageStep = stageStep
        self.split = split
        self.loss = loss
        self.lr = lr
        self.gradNorm = gradNorm
        self.tokens = tokens
        self.tokensPerSecond = tokensPerSecond
        self.mfu = mfu
        self.time = time
        self.elapsed = elapsed
    }

    /// A periodic eval's record.
    public static func eval(step: Int, stage: String, stageStep: Int, suite: String, passAtK: [String: Double], problems: Int,
                            tokens: Int, time: Double = Date().timeIntervalSince1970, elapsed: Double) -> MetricRecord {
        var r = MetricRecord(step: step, stage: stage, stageStep: stageStep, split: .eval, loss: .nan, tokens: tokens, time: time, elapsed: elapsed)
        r.suite = suite
        r.passAtK = passAtK
        r.problems = problems
        return r
    }

    enum CodingKeys: String, CodingKey {
        case step, stage, split, loss, lr, tokens, mfu, time, elapsed, suite, problems
        case stageStep = "stage_step"
        case gradNorm = "grad_norm"
        case tokensPerSecond = "tokens_per_s"
        case passAtK = "pass_at_k"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        step = try c.decode(Int.self, forKey: .step)
        stage = try c.decode(String.self, forKey: .stage)
        stageStep = try c.decode(Int.self, forKey: .stageStep)
        split = try c.decode(Split.self, forKey: .split)
        loss = split == .eval ? (try c.decodeIfPresent(Double.self, forKey: .loss) ?? .nan) : try c.decode(Double.self, forKey: .loss)
        lr = try c.decodeIfPresent(Double.self, forKey: .lr)
        gradNorm = try c.decodeIfPresent(Double.self, forKey: .gradNorm)
        tokens = try c.decode(Int.self, forKey: .tokens)
        tokensPerSecond = try c.decodeIfPresent(Double.self, forKey: .tokensPerSecond)
        mfu = try c.decodeIfPresent(Double.self, forKey: .mfu)
        time = try c.decode(Double.self, forKey: .time)
        elapsed = try c.decode(Double.self, forKey: .elapsed)
        suite = try c.decodeIfPresent(String.self, forKey: .suite)
        passAtK = try c.decodeIfPresent([String: Double].self, forKey: .passAtK)
        problems = try c.decodeIfPresent(Int.self, forKey: .problems)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(stage, forKey: .stage)
        try c.encode(stageStep, forKey: .stageStep)
        try c.encode(split, forKey: .split)
        if loss.isFinite { try c.encode(loss, forKey: .loss) }
        try c.encodeIfPresent(lr, forKey: .lr)
        try c.encodeIfPresent(gradNorm, forKey: .gradNorm)
        try c.encode(tokens, forKey: .tokens)
        try c.encodeIfPresent(tokensPerSecond, forKey: .tokensPerSecond)
        try c.encodeIfPresent(mfu, forKey: .mfu)
        try c.encode(time, forKey: .time)
        try c.encode(elapsed, forKey: .elapsed)
        try c.encodeIfPresent(suite, forKey: .suite)
        try c.encodeIfPresent(passAtK, forKey: .passAtK)
        try c.encodeIfPresent(problems, forKey: .problems)
    }

    public static func == (a: MetricRecord, b: MetricRecord) -> Bool {
        a.step == b.step && a.stage == b.stage && a.stageStep == b.stageStep && a.split == b.split
            && (a.loss == b.loss || (a.loss.isNaN && b.loss.isNaN)) && a.lr == b.lr && a.gradNorm == b.gradNorm
            && a.tokens == b.tokens && a.tokensPerSecond == b.tokensPerSecond && a.mfu == b.mfu && a.time == b.time
            && a.elapsed == b.elapsed && a.suite == b.suite && a.passAtK == b.passAtK && a.problems == b.problems
    }
}
