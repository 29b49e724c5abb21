import ArgumentParser
import Autograd

/// `--precision fp32|bf16|auto` on the commands that run the model.
extension PrecisionSetting: ExpressibleByArgument {}
