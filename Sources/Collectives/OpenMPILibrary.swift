#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Open MPI's C entry points and predefined handles, looked up at run time in `libmpi.so.40` (Debian's
/// `openmpi-bin`/`libopenmpi-dev` 4.x) with `dlopen(RTLD_NOW | RTLD_GLOBAL)` — global, because Open MPI's
/// plugins (`mca_*.so`) resolve their symbols against the library that loaded them. Nothing here is
/// linked at build time, so the package builds and runs single-process where Open MPI is absent.
///
/// Open MPI's handles are pointers: `MPI_COMM_WORLD` is `&ompi_mpi_comm_world`, `MPI_FLOAT` is
/// `&ompi_mpi_float`, `MPI_SUM` is `&ompi_mpi_op_sum`, `MPI_IN_PLACE` is `(void *)1` (mpi.h of 4.1).
/// MPICH's integer handles are a different ABI and are not supported.
struct OpenMPILibrary: @unchecked Sendable {   // immutable function pointers into a loaded library
    typealias Handle = UnsafeMutableRawPointer
    typealias InitThread = @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?, Int32, UnsafeMutablePointer<Int32>?) -> Int32
    typealias CommQuery = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    typealias Allreduce = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle) -> Int32
    typealias Bcast = @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle) -> Int32
    typealias Barrier = @convention(c) (Handle) -> Int32
    typealias Abort = @convention(c) (Handle, Int32) -> Int32
    typealias Finalize = @convention(c) () -> Int32

    let initThread: InitThread
    let commRank: CommQuery
    let commSize: CommQuery
    let allreduce: Allreduce
    let bcast: Bcast
    let barrier: Barrier
    let abort: Abort
    let finalize: Finalize
    let commWorld: Handle
    let float: Handle
    let double: Handle
    let byte: Handle
    let sum: Handle
    /// `MPI_IN_PLACE`.
    static var inPlace: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }
    /// `MPI_THREAD_FUNNELED`: threads exist, only the main thread calls MPI.
    static let threadFunneled: Int32 = 1

    /// The library's file name: `CODETUNE_LIBMPI` when set, else Open MPI 4's soname.
    static var fileName: String { getenv("CODETUNE_LIBMPI").map { String(cString: $0) } ?? "libmpi.so.40" }

    /// Loads the library and every symbol; the error names what is missing.
    static func load() throws(CollectivesError) -> OpenMPILibrary {
        guard let lib = dlopen(fileName, RTLD_NOW | RTLD_GLOBAL) else {
            throw .unavailable("cannot load \(fileName): \(dlerror().map { String(cString: $0) } ?? "unknown error") (install openmpi-bin and libopenmpi-dev)")
        }
        func symbol(_ name: String) throws(CollectivesError) -> UnsafeMutableRawPointer {
            guard let p = dlsym(lib, name) else { throw .unavailable("\(fileName) has no symbol \(name): not Open MPI 4") }
            return p
        }
        func function<F>(_ name: String, _: F.Type) throws(CollectivesError) -> F { unsafeBitCast(try symbol(name), to: F.self) }
        return OpenMPILibrary(
            initThread: try function("MPI_Init_thread", InitThread.self), commRank: try function("MPI_Comm_rank", CommQuery.self),
            commSize: try function("MPI_Comm_size", CommQuery.self), allreduce: try function("MPI_Allreduce", Allreduce.self),
            bcast: try function("MPI_Bcast", Bcast.self), barrier: try function("MPI_Barrier", Barrier.self),
            abort: try function("MPI_Abort", Abort.self), finalize: try function("MPI_Finalize", Finalize.self),
            commWorld: try symbol("ompi_mpi_comm_world"), float: try symbol("ompi_mpi_float"), double: try symbol("ompi_mpi_double"),
            byte: try symbol("ompi_mpi_byte"), sum: try symbol("ompi_mpi_op_sum"))
    }
}

/// Open MPI could not be loaded or a collective failed.
public enum CollectivesError: Error, CustomStringConvertible, Sendable {
    case unavailable(String)
    case failed(String)

    public var description: String {
        switch self {
        case .unavailable(let s): return "Open MPI unavailable: \(s)"
        case .failed(let s): return "MPI call failed: \(s)"
        }
    }
}
