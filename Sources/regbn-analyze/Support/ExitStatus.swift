/// The SPEC's exit codes.
enum ExitStatus: Int32, Sendable {
    case success = 0
    case failure = 1
    case usage = 2
    case badInput = 3
}
