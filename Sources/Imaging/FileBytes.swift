import Foundation

/// Reads and writes whole files as byte arrays, mapping failures to ``ImageError``.
package enum FileBytes {
    /// Files above this size are memory-mapped rather than read (64 MiB; dataset images are far smaller).
    package static let mappingThreshold = 64 << 20

    /// The contents of the file at `path`.
    ///
    /// A file over ``mappingThreshold`` is memory-mapped: the decoders read its header first and refuse a bomb
    /// from it, so the rest is never paged in, and what is read stays reclaimable page cache rather than a second
    /// copy of a large image. Smaller files are read, so a file truncated while a run reads it cannot fault
    /// the process.
    /// - Throws: ``ImageError/fileNotFound(path:)`` when it does not exist or cannot be read.
    package static func read(_ path: String) throws -> Data {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int ?? 0
        if size > mappingThreshold,
            let mapped = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        {
            return mapped
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageError.fileNotFound(path: path)
        }
        return data
    }

    /// Writes `bytes` to `path` atomically (a reader never sees half a file).
    /// - Throws: ``ImageError/writeFailed(path:reason:)``.
    package static func write(_ bytes: Data, to path: String) throws {
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ImageError.writeFailed(path: path, reason: error.localizedDescription)
        }
    }
}
