import Foundation

/// Reads and writes whole files as byte arrays, mapping failures to ``ImageError``.
package enum FileBytes {
    /// The contents of the file at `path`.
    /// - Throws: ``ImageError/fileNotFound(path:)`` when it does not exist or cannot be read.
    package static func read(_ path: String) throws -> Data {
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
