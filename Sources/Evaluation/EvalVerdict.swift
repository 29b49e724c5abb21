/// Whether a scored suite met every threshold it sets; `summary.json` writes it as `"verdict": "pass"`
/// or `"fail"`. A suite without thresholds passes.
public enum EvalVerdict: String, Codable, Equatable, Sendable {
    case pass
    case fail
}
