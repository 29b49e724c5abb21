#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The processes of one job and the collectives between them: all of `MPI_COMM_WORLD` when this process
/// was launched by `mpirun` / `srun` (Open MPI, loaded at run time), else a group of one in which every
/// collective is the identity and nothing touches MPI.
///
/// Call collectives from the main thread only (`MPI_THREAD_FUNNELED`); every rank must make the same
/// calls in the same order with the same counts.
public final class ProcessGroup: @unchecked Sendable {   // immutable after init; MPI calls from one thread
    /// This process's 0-based rank.
    public let rank: Int
    /// Processes in the job (≥ 1).
    public let size: Int
    let mpi: OpenMPILibrary?

    /// The group of this process alone.
    public static let single = ProcessGroup(rank: 0, size: 1, mpi: nil)

    /// The job's group, initialised on first use: MPI when `launchedByMPI`, else `single`. A process
    /// launched by `mpirun` where Open MPI cannot be loaded prints why and exits with status 2.
    public static let world: ProcessGroup = {
        guard launchedByMPI else { return single }
        do { return try ProcessGroup.initialiseMPI() } catch {
            let line = Array("codetune: \(error)\n".utf8)
            _ = write(2, line, line.count)
            exit(2)
        }
    }()

    /// Whether a launcher started this process as one rank of a job: Open MPI's `mpirun`
    /// (`OMPI_COMM_WORLD_SIZE`) or a PMIx / PMI launcher such as Slurm's `srun --mpi=pmix`
    /// (`PMIX_RANK`, `PMI_RANK`). `CODETUNE_MPI=0` forces a single process.
    public static var launchedByMPI: Bool {
        if env("CODETUNE_MPI") == "0" { return false }
        return env("OMPI_COMM_WORLD_SIZE") != nil || env("PMIX_RANK") != nil || env("PMI_RANK") != nil
    }

    /// Threads per rank by default: the cores divided among the ranks on this machine
    /// (`OMPI_COMM_WORLD_LOCAL_SIZE`, `SLURM_NTASKS_PER_NODE`), at least 1. Reads only the environment.
    public static var defaultThreads: Int {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let local = launchedByMPI ? (env("OMPI_COMM_WORLD_LOCAL_SIZE") ?? env("SLURM_NTASKS_PER_NODE")).flatMap { Int($0) } ?? 1 : 1
        return max(1, cores / max(1, local))
    }

    init(rank: Int, size: Int, mpi: OpenMPILibrary?) {
        self.rank = rank
        self.size = size
        self.mpi = mpi
    }

    static func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    static func initialiseMPI() throws(CollectivesError) -> ProcessGroup {
        let mpi = try OpenMPILibrary.load()
        var provided: Int32 = 0
        try check(mpi.initThread(nil, nil, OpenMPILibrary.threadFunneled, &provided), "MPI_Init_thread")
        var rank: Int32 = 0, size: Int32 = 0
        try check(mpi.commRank(mpi.commWorld, &rank), "MPI_Comm_rank")
        try check(mpi.commSize(mpi.commWorld, &size), "MPI_Comm_size")
        finalizeAtExit = mpi.finalize
        atexit { _ = ProcessGroup.finalizeAtExit?() }
        return ProcessGroup(rank: Int(rank), size: Int(size), mpi: mpi)
    }

    /// `MPI_Finalize`, run once when the process exits normally.
    nonisolated(unsafe) static var finalizeAtExit: OpenMPILibrary.Finalize?

    static func check(_ status: Int32, _ call: String) throws(CollectivesError) {
        if status != 0 { throw .failed("\(call) returned \(status)") }
    }

    /// Whether this is rank 0, the one that writes files.
    public var isRoot: Bool { rank == 0 }

    /// Sums `count` floats at `buffer` over the ranks, in place; every rank receives the sum.
    /// With 2 ranks every element is one addition a + b, which is the same in either order, so the
    /// result is bit-identical whatever algorithm Open MPI picks.
    public func sum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectivesError) {
        guard let mpi, size > 1 else { return }
        var done = 0
        while done < count {   // MPI counts are Int32
            let n = min(count - done, 1 << 28)
            try Self.check(mpi.allreduce(OpenMPILibrary.inPlace, buffer + done, Int32(n), mpi.float, mpi.sum, mpi.commWorld), "MPI_Allreduce")
            done += n
        }
    }

    /// Sums each value over the ranks; every rank receives the sums.
    public func sum(_ values: [Double]) throws(CollectivesError) -> [Double] {
        guard let mpi, size > 1 else { return values }
        var out = values
        let status = out.withUnsafeMutableBufferPointer { b in
            mpi.allreduce(OpenMPILibrary.inPlace, b.baseAddress, Int32(b.count), mpi.double, mpi.sum, mpi.commWorld)
        }
        try Self.check(status, "MPI_Allreduce")
        return out
    }

    /// True on every rank when `flag` is true on any.
    public func any(_ flag: Bool) throws(CollectivesError) -> Bool {
        try sum([flag ? 1 : 0])[0] > 0
    }

    /// Rank `root`'s `text` on every rank.
    public func broadcast(_ text: String, from root: Int = 0) throws(CollectivesError) -> String {
        guard let mpi, size > 1 else { return text }
        var length = [Double(text.utf8.count)]
        try Self.check(length.withUnsafeMutableBufferPointer { mpi.bcast($0.baseAddress, 1, mpi.double, Int32(root), mpi.commWorld) }, "MPI_Bcast")
        var bytes = rank == root ? Array(text.utf8) : [UInt8](repeating: 0, count: Int(length[0]))
        try Self.check(bytes.withUnsafeMutableBufferPointer { mpi.bcast($0.baseAddress, Int32($0.count), mpi.byte, Int32(root), mpi.commWorld) }, "MPI_Bcast")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits until every rank has called it.
    public func barrier() throws(CollectivesError) {
        guard let mpi, size > 1 else { return }
        try Self.check(mpi.barrier(mpi.commWorld), "MPI_Barrier")
    }

    /// Ends every rank of the job with `status` (`MPI_Abort`); in a group of one, exits.
    public func abort(status: Int32) -> Never {
        if let mpi, size > 1 { _ = mpi.abort(mpi.commWorld, status) }
        exit(status)
    }
}
