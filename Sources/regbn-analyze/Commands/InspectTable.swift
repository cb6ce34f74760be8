import FeatureFiles
import HDF5IO

/// The human-readable tree: one row per object, attributes indented below it.
enum InspectTable {
    /// Long attribute values (e.g. a JSON `config`) are cut here; `--json` has them whole.
    static let attributeWidth = 72

    static func render(file: String, nodes: [NodeInfo]) -> String {
        let datasets = nodes.filter { $0.dataset != nil }.count
        var rows: [[String]] = [["PATH", "SHAPE", "DTYPE", "LAYOUT", "CHUNKS", "FILTERS"]]
        var attributeLines: [Int: [String]] = [:]
        for node in nodes {
            if let info = node.dataset {
                rows.append([node.path, shapeText(info.shape), info.dtype, info.layout.rawValue,
                             info.chunks.map(shapeText) ?? "-",
                             info.filters.isEmpty ? "-" : info.filters.map(\.description).joined(separator: ", ")])
            } else {
                rows.append([node.path, "group", "", "", "", ""])
            }
            attributeLines[rows.count - 1] = node.attributes.map(attributeText)
        }
        let text = "\(file): \(nodes.count - datasets) group\(nodes.count - datasets == 1 ? "" : "s"), "
            + "\(datasets) dataset\(datasets == 1 ? "" : "s")\n"
        return text + aligned(rows, notes: attributeLines)
    }

    /// The arrays of a .npy/.npz/.safetensors file; problems (an unsupported
    /// dtype, a scalar) are noted under their row.
    static func render(file: String, format: FeatureFormat, arrays: [ArrayListing]) -> String {
        var rows: [[String]] = [["NAME", "SHAPE", "DTYPE", "STORAGE", "BYTES"]]
        var notes: [Int: [String]] = [:]
        for array in arrays {
            rows.append([array.name ?? "-", array.shape.map(shapeText) ?? "-", array.dtype, array.storage, String(array.storedBytes)])
            if let problem = array.problem { notes[rows.count - 1] = ["! \(problem)"] }
        }
        let kind = format == .safetensors ? "tensor" : "array"
        return "\(file): \(format.rawValue), \(arrays.count) \(kind)\(arrays.count == 1 ? "" : "s")\n"
            + aligned(rows, notes: notes)
    }

    /// Columns padded to their widest cell; `notes[row]` lines indented below a row.
    private static func aligned(_ rows: [[String]], notes: [Int: [String]]) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            text += cells.joined(separator: "  ").trailingSpacesRemoved() + "\n"
            for line in notes[index] ?? [] { text += "    " + line + "\n" }
        }
        return text
    }

    static func shapeText(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    private static func attributeText(_ entry: AttributeEntry) -> String {
        let value: String
        if let attribute = entry.value {
            let full = attribute.description.replacingOccurrences(of: "\n", with: " ")
            value = full.count > attributeWidth
                ? String(full.prefix(attributeWidth)) + "… (\(full.count) characters)" : full
        } else {
            value = "<\(entry.problem ?? "unreadable")>"
        }
        return "@\(entry.name) = \(value)"
    }
}

private extension String {
    func trailingSpacesRemoved() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
