import Diagnostics
import Linalg

/// One side of a measured pair, as the dependence measures take it: the
/// subsample's rows as continuous features or as categorical labels, and the
/// per-sample channel means of the same rows for the cross-correlation.
struct MeasuredOperand {
    /// `f`, `g`, `x`, `y`, `confounder`: the role in the pair's name (`f~g`).
    let role: String
    /// How errors and warnings name it: `--f FILE:/ds`, `RegBN output of --f FILE:/ds`.
    let name: String
    let operand: Operand
    /// One feature per channel (nil for labels: the measures use their one-hot code).
    let channels: Operand?

    /// Continuous features `rows` (subsample × C·S) of a `channels`-channel input.
    static func continuous(_ rows: Matrix<Double>, channels: Int, role: String,
                           name: String) throws -> MeasuredOperand {
        let means = try channelFeatures(rows, channels: channels, operand: name)
        return MeasuredOperand(role: role, name: name, operand: .continuous(rows), channels: .continuous(means))
    }

    /// Labels read as one integer per sample.
    static func categorical(_ labels: CategoricalLabels, role: String, name: String) -> MeasuredOperand {
        MeasuredOperand(role: role, name: name, operand: .categorical(labels), channels: nil)
    }

    /// `rows` (subsample × 1) as labels; an error naming the dataset when a value is not an integer.
    static func labels(_ rows: Matrix<Double>, name: String) throws -> CategoricalLabels {
        do {
            return try CategoricalLabels(rows, operand: name)
        } catch let error as DiagnosticsError {
            throw InputError("\(error)")
        }
    }

    /// Labels are never guessed: a dataset read as features that looks like
    /// class labels (one integer feature, few distinct values) gets a warning
    /// naming the flag that reads it as labels, since as numbers the measures
    /// depend on how the classes are numbered.
    static func labelHint(_ rows: Matrix<Double>, name: String, flag: String) -> String? {
        guard let labels = CategoricalLabels.detecting(rows) else { return nil }
        return "\(name) holds one integer per sample with \(labels.levelCount) distinct values, measured as a "
            + "number. If these are classes, pass \(flag): as numbers, the measures depend on how the classes "
            + "are numbered."
    }

    /// The same operand with its samples in `order` (the null control's shuffle).
    func reordered(_ order: [Int]) -> MeasuredOperand {
        MeasuredOperand(role: role, name: name, operand: operand.selectingRows(order),
                        channels: channels?.selectingRows(order))
    }

    /// The kernel the measures use, for the settings column and the summaries.
    var isCategorical: Bool { operand.isCategorical }
}
