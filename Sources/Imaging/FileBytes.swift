import Foundation

/// Reads and writes whole files as byte arrays, mapping failures to ``ImageError``.
package enum FileBytes {
    /// The contents of the file at `path`, memory-mapped: the decoders read the header first and refuse a bomb
    /// from it, so the rest of an oversized file is never paged in, and what is read stays reclaimable.
    /// - Throws: ``ImageError/fileNotFound(path:)`` when it does not exist or cannot be read.
    package static func read(_ path: String) throws -> Data {
        if let mapped = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) { return mapped }
        // An empty file cannot be mapped; it reads as no bytes, which the decoders call an empty file.
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
