import Foundation
import HDF5IO

HDF5Writer.skipLibraryCleanupAtExit()
Interruption.install()
do {
    try Ranks.start()
} catch {
    Console.error("Error: cannot join the MPI job: \(error)\n")
    Interruption.exit(.failure)
}
let status = App.main(Array(CommandLine.arguments.dropFirst()))
// A failed rank leaves without MPI_Finalize (which waits for every rank):
// the launcher then stops the others and returns this rank's status.
if status == .success { Ranks.end() }
Interruption.exit(status)
