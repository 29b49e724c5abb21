import SeededRandom

/// The generator that initialises weights and is saved in checkpoints (`SeededGenerator`, xoshiro256**).
public typealias WeightGenerator = SeededGenerator
