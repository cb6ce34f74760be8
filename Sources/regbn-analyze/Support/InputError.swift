/// Input data the tool cannot use as it is: mismatched sample counts,
/// non-finite values, missing sample data. Exit code 3 (bad input).
struct InputError: Error, CustomStringConvertible, Sendable {
    let description: String
    init(_ description: String) { self.description = description }
}
