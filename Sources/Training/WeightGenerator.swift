import Autograd

/// The generator that initialises weights and is saved in checkpoints (Autograd's xoshiro256**),
/// named apart from Corpus's generator of the same name.
public typealias WeightGenerator = SeededGenerator
