import Foundation

/// Why `bench run` or `bench merge` refused to start or to combine folders. Each prints as one line that names
/// the folder and what to do; the process exits 1 (see ``RunExit``).
enum RunError: Error, CustomStringConvertible {
    /// The folder's manifest is missing (beside a `per_image.csv`) or not JSON.
    case unreadableManifest(path: String)
    /// The folder holds a run with other settings.
    case differentRun(folder: String, difference: RunManifest.Difference)
    /// Another process holds the folder's lock.
    case folderInUse(folder: String, holder: String)
    /// The folder's lock file cannot be opened (permissions, a read-only file system).
    case lockUnavailable(folder: String, reason: String)
    /// The split, after `--limit` and `--shard`, has no image.
    case nothingToEvaluate(reason: String)
    /// A shard folder cannot be merged with the others.
    case shardMismatch(folder: String, reason: String)
    /// A file the run must read whole (the model's weights, for their checksum) cannot be read.
    case unreadableFile(path: String, reason: String)

    var description: String {
        switch self {
        case .unreadableManifest(let path):
            "\(path) is missing or unreadable, so the folder's run cannot be checked; choose another --out"
        case .differentRun(let folder, let difference):
            "\(folder) holds a different run (\(difference)); resume it with its own settings or choose another --out"
        case .folderInUse(let folder, let holder):
            "\(folder) is in use by another bench process (\(holder)); wait for it or choose another --out"
        case .lockUnavailable(let folder, let reason):
            "cannot lock \(folder): \(reason); choose another --out"
        case .nothingToEvaluate(let reason):
            "nothing to evaluate: \(reason)"
        case .shardMismatch(let folder, let reason):
            "cannot merge \(folder): \(reason)"
        case .unreadableFile(let path, let reason):
            "cannot read \(path): \(reason)"
        }
    }
}

/// The exit statuses of `bench run` (documented in its `--help`).
enum RunExit {
    /// Every image was evaluated, filtered or skipped, and at least one was evaluated or filtered.
    static let done: Int32 = 0
    /// An error before or during the run (a refused resume, a bad option value, an I/O error).
    static let error: Int32 = 1
    /// The run finished but every image of it was skipped (`skipped.csv` says why).
    static let everySampleSkipped: Int32 = 2
    /// Interrupted by SIGINT (the folder resumes with the same command).
    static let interrupted: Int32 = 130
    /// Stopped by SIGTERM (the folder resumes with the same command).
    static let terminated: Int32 = 143
}
