import Foundation

/// Locations inside the repository's `Tests/` folder, found from this source
/// file so that tests run from any working directory and from a plain clone.
public enum TestPaths {
    public static let testsDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/<name>` (copies of ../shared/fixtures).
    public static func fixture(_ name: String) -> URL {
        testsDirectory.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// A fresh, empty directory under the system temp dir for one test.
    public static func temporaryDirectory(_ label: String = "regbn-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
