import Cluster
import Foundation

/// The processes of this run. One by default; in a build with the `MPI` trait
/// started by `mpirun` or `srun`, every rank of the job. `normalize` and
/// `audit` spread RegBN over the ranks by f's columns (each rank reads its own
/// block of f), `dependence` and `audit` split the kernel statistics' feature
/// products, permutations and resamples; rank 0 alone prints and commits the
/// outputs, the other ranks' outputs are discarded.
enum Ranks {
    /// Set once in `main.swift`, before any command runs, and never again.
    nonisolated(unsafe) private(set) static var communicator: any Communicator = SingleProcess()
    nonisolated(unsafe) private static var finish: () -> Void = {}

    static var isRoot: Bool { communicator.isRoot }
    static var count: Int { communicator.size }

    /// Joins the MPI job this process was started in, if any. Without the
    /// trait, or outside a launcher, the run is one process.
    static func start() throws(CommunicatorError) {
        #if MPI
        let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"]
        guard launcherVariables.contains(where: { ProcessInfo.processInfo.environment[$0] != nil }) else { return }
        let mpi = try MPICommunicator.start()
        communicator = mpi
        finish = { mpi.finish() }
        // Ranks other than 0 run the same commands silently: messages appear once.
        Console.isSilent = !mpi.isRoot
        #endif
    }

    /// Ends the job's communication (every rank, after the last collective).
    static func end() { finish() }

    /// A step in which one rank alone may fail (reading its own block of an
    /// input): every rank fails with the failing rank's message, or none does.
    static func agreeing<Result>(_ body: () throws -> Result) throws -> Result {
        try communicator.agreeing(body)
    }
}

/// Another rank's failure as this rank reports it: the message names the rank,
/// and the status is what that rank's own error would have given.
extension RemoteFailure: ExitStatusProviding {
    /// The error types whose every case is bad input when they come from a
    /// rank's own reads or its block of the data (ranks other than 0 write nothing).
    private static let badInputTypes = ["HDF5IO.HDF5Error", "FeatureFiles.FeatureFileError",
                                        "regbn_analyze.InputError", "RegBN.RegBNError"]

    var exitStatus: ExitStatus { Self.badInputTypes.contains(errorType) ? .badInput : .failure }
}
