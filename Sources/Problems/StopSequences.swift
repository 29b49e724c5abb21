/// HumanEval's stop sequences: a completion ends where a new top-level statement would begin.
public let humanEvalStopSequences = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]

/// Cuts `completion` at the earliest occurrence of any stop sequence (the stop itself is removed).
/// Empty stop strings are ignored. Returns the completion unchanged when no stop occurs.
public func truncateAtStop(_ completion: String, stops: [String]) -> String {
    var cut = completion.endIndex
    for stop in stops where !stop.isEmpty {
        if let r = completion.range(of: stop), r.lowerBound < cut { cut = r.lowerBound }
    }
    return String(completion[..<cut])
}
