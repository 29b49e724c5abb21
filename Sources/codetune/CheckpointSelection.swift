import ArgumentParser
import RunStore

/// `--runs-dir DIR` and `--checkpoint NAME`: where `eval`, `sample` and `export` look for the run or checkpoint
/// that their `--model` names, and which checkpoint of a run they take.
struct CheckpointSelection: ParsableArguments {
    @OptionGroup var runs: RunsDirOption

    @Option(help: "With a run: the checkpoint directory name under checkpoints/ (e.g. best-finetune, step-00000200).")
    var checkpoint: String?

    /// The checkpoint `model` names (a checkpoint or run directory, RUN:STAGE, or a run id or name under
    /// `--runs-dir`), parsed and resolved once.
    func locate(_ model: String) throws -> CheckpointLocation {
        try CheckpointReference(parsing: model, checkpoint: checkpoint).resolve(runsDir: runs.url)
    }
}
