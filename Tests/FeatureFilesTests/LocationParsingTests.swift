import FeatureFiles
import Testing

/// `FeatureLocation(parsing:)` is purely syntactic: the extension decides
/// the format, and every error quotes the argument.
@Suite struct LocationParsingTests {
    static let valid: [(text: String, format: FeatureFormat, file: String, member: String?)] = [
        ("features.h5:/layer3/out", .hdf5, "features.h5", "/layer3/out"),
        ("features.h5:f", .hdf5, "features.h5", "/f"),
        ("runs/a:b/features.h5:/layer3", .hdf5, "runs/a:b/features.h5", "/layer3"),
        ("x.h5:/group/with:colon", .hdf5, "x.h5", "/group/with:colon"),
        ("data.HDF5:/x", .hdf5, "data.HDF5", "/x"),
        ("cube.nc:/var", .hdf5, "cube.nc", "/var"),
        ("dump.bin:/x", .hdf5, "dump.bin", "/x"),
        ("a:b/dump:/x", .hdf5, "a:b/dump", "/x"),
        ("feats.npy", .npy, "feats.npy", nil),
        ("dir:with:colons/feats.npy", .npy, "dir:with:colons/feats.npy", nil),
        ("acts.npz:layer3", .npz, "acts.npz", "layer3"),
        ("acts.npz:arr_0.npy", .npz, "acts.npz", "arr_0.npy"),
        ("acts.npz", .npz, "acts.npz", nil),
        ("model.safetensors:encoder.layer.3", .safetensors, "model.safetensors", "encoder.layer.3"),
        ("model.safetensors", .safetensors, "model.safetensors", nil),
    ]

    @Test(arguments: valid.map(\.text))
    func splitsByExtension(_ text: String) throws {
        let row = try #require(Self.valid.first { $0.text == text })
        let location = try FeatureLocation(parsing: text)
        #expect(location.format == row.format)
        #expect(location.file == row.file)
        #expect(location.member == row.member)
    }

    @Test func descriptionIsTheArgumentAsWritten() throws {
        for text in ["features.h5:/layer3/out", "feats.npy", "acts.npz:layer3", "model.safetensors:w"] {
            #expect(try FeatureLocation(parsing: text).description == text)
        }
        #expect(FeatureLocation(hdf5File: "a.h5", dataset: "f") == (try FeatureLocation(parsing: "a.h5:/f")))
    }

    @Test(arguments: ["features.h5", "features.h5:", "feats.npy:x", "acts.npz:", "plain", "notes.txt", ":/x", "w.safetensors:"])
    func malformedArgumentsAreQuoted(_ text: String) throws {
        let error = try #require(throws: FeatureFileError.self) { try FeatureLocation(parsing: text) }
        #expect(error.kind == .invalidLocation)
        #expect(error.file == text)
        #expect(error.description.hasPrefix(text + ": "))
        #expect(error.fix != nil)
    }

    /// Parsing never looks at the file system: names of files that do not
    /// exist parse, and nothing is created.
    @Test func parsingTouchesNoFiles() throws {
        let location = try FeatureLocation(parsing: "/nonexistent/dir/x.npz:member")
        #expect(location.file == "/nonexistent/dir/x.npz")
    }
}
