import Foundation

/// The pass@k values of one eval suite run at the end of one stage.
public struct EvalResult: Equatable, Sendable {
    public var suite: String
    public var stage: String
    /// `pass@1`, `pass@10`, ... → fraction of problems, 0...1.
    public var passAtK: [String: Double]

    public init(suite: String, stage: String, passAtK: [String: Double]) {
        self.suite = suite
        self.stage = stage
        self.passAtK = passAtK
    }

    /// The pass@k values of an evaluator `summary.json`: an object under `pass_at_k` (or `pass@k`)
    /// mapping `pass@K` (or `K`) to a number or to `{"value": number}`, or `pass@K` keys at the top.
    public static func passAtK(fromSummary data: Data) -> [String: Double]? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        var out: [String: Double] = [:]
        func number(_ v: Any) -> Double? {
            if let d = v as? Double { return d }
            if let n = v as? NSNumber { return n.doubleValue }
            if let o = v as? [String: Any] { return (o["value"] ?? o["estimate"]).flatMap(number) }
            return nil
        }
        for key in ["pass_at_k", "pass@k", "passAtK"] {
            guard let inner = object[key] as? [String: Any] else { continue }
            for (k, v) in inner {
                let name = k.hasPrefix("pass@") ? k : "pass@\(k)"
                if let d = number(v) { out[name] = d }
            }
        }
        for (k, v) in object where k.hasPrefix("pass@") && Int(k.dropFirst(5)) != nil {
            if let d = number(v) { out[k] = d }
        }
        return out
    }

    /// Sort key that puts pass@1 before pass@10.
    public static func kValue(_ name: String) -> Int { Int(name.dropFirst(5)) ?? Int.max }
}
