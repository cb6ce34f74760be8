import FeatureFiles
import Foundation
import HDF5IO

/// `inspect FILE [--json]`: what a feature file holds, as a table for people
/// or JSON for scripts. HDF5 files list their groups and datasets; `.npy`,
/// `.npz` and `.safetensors` files their arrays (from headers only).
struct InspectCommand {
    let options: InspectOptions

    func run() throws {
        switch FeatureFormat.of(fileName: options.file) {
        case let format? where format != .hdf5:
            let arrays = try FeatureFileListing.list(options.file, format: format)
            try Console.out(
                options.json
                    ? try InspectJSON.render(file: options.file, format: format, arrays: arrays)
                    : InspectTable.render(file: options.file, format: format, arrays: arrays))
        default:
            let file = try HDF5File.open(options.file)
            let nodes = try file.tree()
            if options.json {
                try Console.out(try InspectJSON.render(file: options.file, nodes: nodes))
            } else {
                try Console.out(InspectTable.render(file: options.file, nodes: nodes))
            }
        }
    }
}
