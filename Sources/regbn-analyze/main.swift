import Foundation
import HDF5IO

HDF5Writer.skipLibraryCleanupAtExit()
Interruption.install()
Interruption.exit(App.main(Array(CommandLine.arguments.dropFirst())))
