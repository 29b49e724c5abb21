/// Resource limits applied to every sample (hard = soft, set by the supervisor before the sample's
/// code runs, so the sample cannot lift them).
public struct SandboxLimits: Codable, Equatable, Sendable {
    /// Wall-clock seconds per sample; the whole process tree is killed when it runs out.
    public var timeoutSeconds: Double = 3
    /// Address space of the sample's process, in MiB (RLIMIT_AS).
    public var memoryMB: Int = 1024
    /// Largest file the sample may write, in bytes (RLIMIT_FSIZE).
    public var fileSizeBytes: Int = 16 << 20
    /// Open file descriptors (RLIMIT_NOFILE).
    public var openFiles: Int = 64
    /// Processes of the sandbox's user, counted in its user namespace (RLIMIT_NPROC).
    public var processes: Int = 32
    /// Bytes of stdout and of stderr kept; past twice this in total the sample is killed.
    public var outputCapBytes: Int = 64 << 10
    /// Size of the private tmpfs that is the sample's working directory, in MiB.
    public var tmpfsMB: Int = 64

    public init() {}

    /// CPU seconds (RLIMIT_CPU): the wall-clock limit rounded up plus one.
    public var cpuSeconds: Int { Int(timeoutSeconds.rounded(.up)) + 1 }
}
