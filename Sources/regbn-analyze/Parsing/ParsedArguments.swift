/// The raw result of splitting one subcommand's arguments: every value has
/// already been checked against its option's `ValueKind`, so the typed
/// accessors below only convert. Defaults from the spec fill absent options.
struct ParsedArguments: Sendable {
    let spec: CommandSpec
    /// Values given on the command line, by option name (flags map to "true").
    let values: [String: String]
    let positionals: [String]

    private func raw(_ name: String) -> String? {
        precondition(spec.option(named: name) != nil, "option --\(name) is not declared for \(spec.subcommand)")
        return values[name] ?? spec.option(named: name)?.defaultValue
    }

    func isGiven(_ name: String) -> Bool { values[name] != nil }

    func flag(_ name: String) -> Bool { raw(name) == "true" }

    func string(_ name: String) -> String? { raw(name) }

    func int(_ name: String) -> Int? { raw(name).flatMap { Int($0) } }

    func seed(_ name: String) -> UInt64? { raw(name).flatMap { UInt64($0) } }

    func double(_ name: String) -> Double? { raw(name).flatMap { Double($0) } }

    func bool(_ name: String) -> Bool? { raw(name).map { $0 == "true" } }

    func dataset(_ name: String) -> DatasetArgument? { raw(name).flatMap { try? DatasetArgument(parsing: $0) } }

    func choice<T: RawRepresentable>(_ name: String, as: T.Type) -> T? where T.RawValue == String {
        raw(name).flatMap { T(rawValue: $0) }
    }
}
