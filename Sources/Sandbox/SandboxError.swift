/// A failure of the sandbox itself (cannot start, broken protocol), never of a sample.
public struct SandboxError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
