/// Paths inside an HDF5 file, always absolute and without repeated or
/// trailing slashes, so that lookups and error messages agree.
enum HDF5Path {
    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    static func normalize(_ path: String) -> String {
        "/" + components(path).joined(separator: "/")
    }

    static func parent(_ path: String) -> String {
        "/" + components(path).dropLast().joined(separator: "/")
    }

    static func join(_ group: String, _ name: String) -> String {
        group == "/" ? "/" + name : group + "/" + name
    }
}
