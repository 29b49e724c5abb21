import Foundation

/// One line of `metrics.jsonl`: a training report (mean over the steps since the last one)
/// or a validation measurement.
public struct MetricRecord: Codable, Equatable, Sendable {
    public enum Split: String, Codable, Sendable { case train, val }

    /// Optimizer steps taken since the run began (counts across stages; the resume key).
    public var step: Int
    /// Name of the stage the step belongs to.
    public var stage: String
    /// Steps taken within the stage.
    public var stageStep: Int
    public var split: Split
    /// Mean cross-entropy in nats per predicted token.
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

    enum CodingKeys: String, CodingKey {
        case step, stage, split, loss, lr, tokens, mfu, time, elapsed
        case stageStep = "stage_step"
        case gradNorm = "grad_norm"
        case tokensPerSecond = "tokens_per_s"
    }
}
