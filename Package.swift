// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "regbn-analyze",
    products: [
        .executable(name: "regbn-analyze", targets: ["regbn-analyze"]),
        .library(name: "RegBN", targets: ["RegBN"]),
        .library(name: "Diagnostics", targets: ["Diagnostics"]),
        .library(name: "HDF5IO", targets: ["HDF5IO"]),
        .library(name: "FeatureFiles", targets: ["FeatureFiles"]),
        .library(name: "Cluster", targets: ["Cluster"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Run RegBN and the statistics across Open MPI ranks (needs libopenmpi-dev)."),
    ],
    targets: [
        // MARK: - C libraries from Debian (imported only by the thin wrappers)
        .systemLibrary(
            name: "CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // renameat2 and the signal handler of the output staging (POSIX/Linux only).
        .target(name: "CPosix"),

        .systemLibrary(
            name: "CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]),

        // MARK: - Public API
        .target(
            name: "Cluster",
            dependencies: [.target(name: "CMPI", condition: .when(traits: ["MPI"]))], exclude: ["README.md"]),
        .target(name: "SeededRandom"),
        .target(name: "Suggestions"),
        .target(name: "Linalg", dependencies: ["COpenBLAS"]),
        .target(name: "HDF5IO", dependencies: ["CHDF5", "Suggestions"]),
        .target(name: "FeatureFiles", dependencies: ["HDF5IO", "CZlib"], exclude: ["README.md"]),
        .target(name: "RegBN", dependencies: ["Linalg", "SeededRandom", "Cluster"], exclude: ["README.md"]),
        .target(name: "Diagnostics", dependencies: ["Linalg", "SeededRandom", "Cluster"], exclude: ["README.md"]),
        .executableTarget(
            name: "regbn-analyze",
            dependencies: ["RegBN", "Diagnostics", "Cluster", "HDF5IO", "FeatureFiles", "Linalg", "SeededRandom", "Suggestions",
                           "CPosix"]),

        // MARK: - Benchmarks (print tables; never part of the tests)
        .executableTarget(
            name: "regbn-bench",
            dependencies: ["RegBN", "Diagnostics", "Cluster", "HDF5IO", "FeatureFiles", "Linalg", "SeededRandom"],
            path: "Benchmarks/regbn-bench"),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["HDF5IO", "Linalg"], path: "Tests/TestSupport"),
        .testTarget(name: "LinalgTests", dependencies: ["Linalg"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster"]),
        // `mpirun -np K cluster-check` (a build with `--traits MPI`): the MPI ranks against one process.
        .executableTarget(
            name: "cluster-check", dependencies: ["Cluster", "RegBN", "Diagnostics", "SeededRandom"],
            path: "Tests/ClusterCheck"),
        .testTarget(
            name: "HDF5IOTests", dependencies: ["HDF5IO", "TestSupport"],
            exclude: ["make_test_files.py"]),
        .testTarget(name: "FeatureFilesTests", dependencies: ["FeatureFiles", "HDF5IO", "TestSupport"]),
        .testTarget(name: "RegBNTests", dependencies: ["RegBN", "Cluster", "HDF5IO", "Linalg", "SeededRandom", "TestSupport"]),
        .testTarget(
            name: "DiagnosticsTests",
            dependencies: ["Diagnostics", "Cluster", "HDF5IO", "Linalg", "SeededRandom", "TestSupport"]),
        .testTarget(
            name: "CLITests",
            dependencies: ["regbn-analyze", "HDF5IO", "FeatureFiles", "SeededRandom", "Suggestions", "TestSupport"],
            exclude: ["Golden"]),
    ]
)
