/// How completions are drawn from a model.
public struct SamplingSettings: Codable, Equatable, Sendable {
    /// 0 means greedy.
    public var temperature: Double = 0.2
    /// Nucleus sampling mass in (0, 1]; 1 disables it.
    public var topP: Double = 0.95
    /// Keep only the k most likely tokens; 0 disables it.
    public var topK: Int = 0
    public var maxNewTokens: Int = 256
    /// A completion is cut at the first of these (see `truncateAtStop`).
    public var stop: [String] = humanEvalStopSequences

    public init() {}
}
