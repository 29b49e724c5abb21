import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension RunDirectory {
    /// Whether a live process holds the run's training lock (`<run>/.lock`, taken with an exclusive
    /// `flock(2)` by `codetune train` and dropped by the kernel when that process dies). Probed with a
    /// non-blocking shared lock, released at once; nothing is written.
    public var isLockedByLiveProcess: Bool {
        let fd = open(url.appendingPathComponent(".lock").path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}

extension RunSummary {
    /// The status to show: the record's, except `stale` for a run recorded as `running` whose training
    /// process is gone (killed, crashed, machine restarted) — it resumes with `codetune train --resume`.
    public var displayStatus: String {
        if record.status == .running && !directory.isLockedByLiveProcess { return "stale" }
        return record.status.rawValue
    }
}
