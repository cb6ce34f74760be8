import Diagnostics
import HDF5IO
import Linalg

/// A dataset of one integer label per sample named on the command line
/// (`--strata`, a categorical `--confounder`, `--x-categorical`…), read in the
/// raw pass like any input and turned into labels at the subsample's rows.
struct LabelInput {
    let option: String
    let input: FeatureInput

    init(option: String, argument: DatasetArgument, layout: FeatureLayout) throws {
        self.option = option
        input = try FeatureInput(role: option, argument: argument, layout: layout)
    }

    /// `--strata FILE:/ds`, as errors and warnings name it.
    var name: String { "--\(option) \(input.argument)" }

    /// The `condition` column of within-strata rows.
    var condition: String { "strata=\(input.argument)" }

    /// The labels at the subsample's rows.
    func labels(_ rows: SubsampleRows) throws -> CategoricalLabels {
        try MeasuredOperand.labels(rows.matrix, name: name)
    }

    /// The labels at the subsample's rows as strata.
    func strata(_ rows: SubsampleRows) throws -> StrataLabels {
        StrataLabels(labels: try labels(rows), condition: condition)
    }
}
