import FileFormats
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock(2)` on `<run>/.lock` held while a process trains the run, so two
/// `codetune train --resume` cannot write one run at once. The kernel drops it when the
/// process exits, `kill -9` included, so a crashed run never stays locked.
final class RunLock {
    private let fd: Int32

    init(run: URL) throws {
        let path = run.appendingPathComponent(".lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw InputError(file: path, "cannot open the run's lock file: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw InputError(file: run.path, "another codetune process is training this run")
        }
    }

    deinit { close(fd) }
}
