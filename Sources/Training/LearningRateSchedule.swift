import Foundation

/// The learning rate of optimizer step `step` (0-based) of a stage of `totalSteps` steps:
/// linear warm-up over the first `warmup` steps, from `peak / warmup` up to `peak`, then
///
/// - cosine: `min + (peak − min) · ½ (1 + cos(π p))`
/// - linear: `peak − (peak − min) · p`
/// - constant: `peak`
///
/// where `p = (step − warmup) / (totalSteps − warmup − 1)` runs from 0 at the first step after
/// warm-up to 1 at the stage's last step, which therefore runs at exactly `min` (a stage with a
/// single step after warm-up runs it at `peak`).
/// Preconditions: `0 <= step < totalSteps`, `0 <= warmup <= totalSteps`, `0 <= minLR <= peak`.
public func learningRate(step: Int, totalSteps: Int, peak: Double, minLR: Double, warmup: Int,
                         schedule: StageConfig.Schedule) -> Double {
    if step < warmup { return peak * Double(step + 1) / Double(warmup) }
    if schedule == .constant { return peak }
    let span = totalSteps - warmup - 1
    let p = span <= 0 ? 0.0 : min(1, max(0, Double(step - warmup) / Double(span)))
    switch schedule {
    case .cosine: return minLR + (peak - minLR) * 0.5 * (1 + cos(Double.pi * p))
    case .linear: return peak - (peak - minLR) * p
    case .constant: return peak
    }
}

extension StageConfig {
    /// The learning rate of this stage's step `step` (0-based).
    public func learningRate(at step: Int) -> Double {
        Training.learningRate(step: step, totalSteps: steps, peak: lr, minLR: minLR, warmup: warmup, schedule: schedule)
    }
}
