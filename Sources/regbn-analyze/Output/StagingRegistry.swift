import Synchronization

/// This process's staging entries, and the one lock that orders the signal
/// clean-up against creating, committing and abandoning them.
///
/// The ordering argument (see also `Interruption`):
/// - An entry is registered and created inside one critical section, so the
///   clean-up never misses an entry that exists, nor runs between an entry's
///   registration and its creation (where removing it would be a no-op and
///   the creation would then strand it).
/// - A commit renames the staging entry into place and records the new state
///   (entry gone, or holding the replaced old output) in one critical
///   section, so the clean-up sees either the state before the rename (the
///   final name untouched, the staging entry removed) or the state after it
///   (the final name complete, only the replaced old output removed), never
///   a half-done replacement.
/// - The clean-up takes the lock and never releases it: the process dies of
///   the signal inside the critical section, so no commit can start after it.
enum StagingRegistry {
    struct Entry: Sendable {
        enum Role: Sendable { case unfinished, replaced }
        /// The `--out` value the entry belongs to.
        let output: String
        let role: Role
    }

    struct State: Sendable {
        /// Staging path → what it holds.
        var entries: [String: Entry] = [:]
        /// `--out` values committed by this run.
        var committed: [String] = []
    }

    private static let state = Mutex(State())

    static func withLock<R: Sendable, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        try state.withLock { (state: inout State) throws(E) -> R in try body(&state) }
    }
}
