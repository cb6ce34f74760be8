import Foundation
import HDF5IO

/// `inspect FILE.h5 [--json]`: the file's groups and datasets with their
/// metadata, as a table for people or JSON for scripts.
struct InspectCommand {
    let options: InspectOptions

    func run() throws {
        let file = try HDF5File.open(options.file)
        let nodes = try file.tree()
        if options.json {
            try Console.out(try InspectJSON.render(file: options.file, nodes: nodes))
        } else {
            try Console.out(InspectTable.render(file: options.file, nodes: nodes))
        }
    }
}
