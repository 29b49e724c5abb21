import ArgumentParser
import Collectives
import Foundation

extension ProcessGroup {
    /// Runs one command's work on every rank. An `ExitCode` ends this rank normally (rank 0 decides the
    /// status); any other error is printed as the command line prints it and, in a job of several ranks,
    /// ends the whole job with status 2 (`MPI_Abort`) so no rank is left waiting in a collective.
    func whole(_ body: () throws -> Void) rethrows {
        guard size > 1 else { return try body() }
        do {
            try body()
        } catch let code as ExitCode {
            throw code
        } catch {
            printError("codetune (rank \(rank) of \(size)): \(error)")
            abort(status: 2)
        }
    }
}
