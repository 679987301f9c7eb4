import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a run folder (`<folder>/bench.lock`, holding the holder's pid), so two processes never
/// append to the same `per_image.csv`.
///
/// It is an advisory `flock`, which the kernel releases when the holder dies: a folder left by `kill -9`
/// resumes at once, with no stale lock to remove by hand. The file is removed when the lock is released.
final class RunLock {
    /// The lock file's name inside the run folder.
    static let fileName = "bench.lock"

    private let path: String
    private let handle: FileHandle

    /// Takes the lock of `folder` (which must exist), or throws ``RunError/folderInUse(folder:holder:)``
    /// naming the holder's pid.
    init(folder: URL) throws {
        path = folder.appendingPathComponent(Self.fileName).path
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw RunError.lockUnavailable(
                    folder: folder.path, reason: "cannot open \(Self.fileName): \(String(cString: strerror(errno)))")
            }
            let candidate = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let holder = (try? candidate.readToEnd()).map { String(decoding: $0, as: UTF8.self) } ?? ""
                let text = holder.trimmingCharacters(in: .whitespacesAndNewlines)
                throw RunError.folderInUse(folder: folder.path, holder: text.isEmpty ? "lock held" : text)
            }
            // A releasing holder removes the file; a lock taken on the removed file guards nothing, so retry.
            var opened = stat()
            var current = stat()
            guard fstat(descriptor, &opened) == 0, stat(path, &current) == 0, opened.st_ino == current.st_ino else {
                continue
            }
            handle = candidate
            break
        }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("pid \(getpid())\n".utf8))
        try handle.synchronize()
    }

    deinit {
        unlink(path)
        flock(handle.fileDescriptor, LOCK_UN)
    }
}
