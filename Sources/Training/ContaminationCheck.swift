import FileFormats
import Foundation
import Telemetry

extension TrainingSession {
    /// Refuses a run whose stage data shares 13-grams (over lower-cased words, as in GPT-3's appendix C)
    /// with a prompt or canonical solution of one of the run's eval suites, unless that stage sets
    /// `allow_contaminated: true`. Throws an `InputError` naming the data and the first problems (exit 2).
    /// Runs after the datasets are prepared, so a recipe is checked against its own token shards.
    public static func requireUncontaminatedData(_ config: RunConfig, note: (String) -> Void) throws {
        let suites = config.evals.map(\.suite)
        guard !suites.isEmpty else { return }
        for stage in config.stages {
            let overlaps = try Decontamination.requireClean(dataset: stage.data, suites: suites,
                                                            allowContaminated: stage.allowContaminated)
            let contaminated = overlaps.filter(\.contaminated).count
            note(contaminated == 0
                 ? "decontamination: stage \(stage.name) shares no 13-gram with the \(overlaps.count) eval problems"
                 : "decontamination: stage \(stage.name) overlaps \(contaminated) eval problem(s); allowed by allow_contaminated")
        }
    }
}
