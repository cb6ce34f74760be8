import Testing
@testable import regbn_analyze

/// The kinds of option the next commands need, declared the way the real
/// ones are: repeatable inputs with matching names (`channels --x A --x B
/// --name a --name b`), comma-separated lists (`--baselines`), a custom
/// parsed type (`--compression gzip[:LEVEL]`), optional datasets
/// (`--confounder`), flags and enums.
@Suite struct OptionDeclarationTests {
    enum Baseline: String, CaseIterable, Sendable { case none, ols, olsBatch = "ols-batch" }

    enum Compression: Equatable, Sendable {
        case none
        case gzip(level: Int)

        static let valueType = ValueType<Compression>(
            placeholder: "none|gzip[:level]", accepted: "level 0 to 9",
            parse: { text throws(ValueRejection) in
                if text == "none" { return .none }
                let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.first == "gzip" else { throw ValueRejection(expected: "none, gzip or gzip:LEVEL") }
                guard parts.count == 2 else { return .gzip(level: 4) }
                guard let level = Int(parts[1]), (0...9).contains(level) else {
                    throw ValueRejection(expected: "a gzip level from 0 to 9")
                }
                return .gzip(level: level)
            },
            format: { value in
                switch value {
                case .none: return "none"
                case .gzip(let level): return "gzip:\(level)"
                }
            })
    }

    static let inputs: Option<[DatasetArgument]> = .repeatable("x", .dataset, help: "A layer.")
    static let names: Option<[String]> = .repeatable("name", .text(placeholder: "name"), help: "Its name.")
    static let baselines: Option<[Baseline]> = .defaulted(
        "baselines", .list(of: .oneOf(Baseline.self, placeholder: "baseline")), default: [.none], help: "Baselines.")
    static let compression: Option<Compression> = .defaulted(
        "compression", Compression.valueType, default: .gzip(level: 4), help: "Output compression.")
    static let confounder: Option<DatasetArgument?> = .optional("confounder", .dataset, help: "A confounder.")
    static let verbose: Option<Bool> = .flag("verbose", help: "Say more.")

    static let spec = CommandSpec(
        .channels, abstract: "A test command.",
        options: [inputs, names, baselines, compression, confounder, verbose]
    ) { _ throws(UsageError) in .version }

    private func split(_ tokens: [String]) throws -> OptionValues {
        guard case .split(let values) = try ArgumentSplitter.split(tokens, for: Self.spec) else {
            throw UsageError("unexpected help", subcommand: .channels)
        }
        return values
    }

    @Test func repeatableOptionsKeepTheirOrder() throws {
        var values = try split(["--x", "a.h5:/l1", "--name", "conv1", "--x=b.h5:/l2", "--name", "conv2"])
        #expect(try values(Self.inputs) == [DatasetArgument(file: "a.h5", path: "/l1"),
                                            DatasetArgument(file: "b.h5", path: "/l2")])
        #expect(try values(Self.names) == ["conv1", "conv2"])
        #expect(values.given.map(\.description) == ["--x a.h5:/l1", "--x b.h5:/l2", "--name conv1", "--name conv2"])
    }

    @Test func absentOptionsTakeTheirDefaults() throws {
        var values = try split([])
        #expect(try values(Self.inputs).isEmpty && values(Self.names).isEmpty)
        #expect(try values(Self.baselines) == [.none])
        #expect(try values(Self.compression) == .gzip(level: 4))
        #expect(try values(Self.confounder) == nil)
        #expect(try values(Self.verbose) == false)
        #expect(values.given.isEmpty)
    }

    @Test func listsCustomTypesOptionalsAndFlags() throws {
        var values = try split(["--baselines", "ols,ols-batch", "--compression", "gzip:9",
                                "--confounder", "meta.h5:/site", "--verbose"])
        #expect(try values(Self.baselines) == [.ols, .olsBatch])
        #expect(try values(Self.compression) == .gzip(level: 9))
        #expect(try values(Self.confounder) == DatasetArgument(file: "meta.h5", path: "/site"))
        #expect(try values(Self.verbose))
    }

    @Test func badValuesOfCustomTypesAreUsageErrors() throws {
        var badLevel = try split(["--compression", "gzip:11"])
        #expect(throws: UsageError("The value 'gzip:11' is invalid for '--compression <none|gzip[:level]>': "
                                   + "expected a gzip level from 0 to 9.", subcommand: .channels)) {
            try badLevel(Self.compression)
        }
        var badItem = try split(["--baselines", "ols,osl"])
        #expect(throws: UsageError("The value 'ols,osl' is invalid for '--baselines <baseline,...>': in the "
                                   + "comma-separated list, expected one of none, ols, ols-batch. Did you mean 'ols'?",
                                   subcommand: .channels)) {
            try badItem(Self.baselines)
        }
        var emptyItem = try split(["--baselines", "ols,"])
        #expect(throws: UsageError.self) { try emptyItem(Self.baselines) }
    }

    @Test func nonRepeatableOptionsAreRefusedTwice() {
        #expect(throws: UsageError("Option '--compression' was given more than once.", subcommand: .channels)) {
            try split(["--compression", "none", "--compression", "gzip"])
        }
    }

    @Test func helpShowsPresenceAcceptedValuesAndDefaults() {
        let declarations = Self.spec.declarations
        #expect(declarations.map(\.synopsis) == ["--x <file.h5:/dataset>", "--name <name>", "--baselines <baseline,...>",
                                                 "--compression <none|gzip[:level]>", "--confounder <file.h5:/dataset>",
                                                 "--verbose"])
        #expect(declarations[0].presence == .repeatable && declarations[4].presence == .optional)
        #expect(declarations[2].accepted == "comma-separated, values: none, ols, ols-batch")
        #expect(declarations[2].defaultText == "none" && declarations[3].defaultText == "gzip:4")
        #expect(declarations[5].isFlag)
    }

    /// Reading a key the command does not declare is a programming error,
    /// reported as such instead of a crash.
    @Test func undeclaredOptionsCannotBeRead() throws {
        var values = try split([])
        #expect(throws: UsageError("Option '--epochs' is not an option of 'channels'.", subcommand: .channels)) {
            try values(RegBNOptions.epochs)
        }
    }
}
