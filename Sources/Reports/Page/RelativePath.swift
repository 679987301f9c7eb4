import Foundation

/// A file's path relative to a folder, for links between pages and pictures in different run folders.
enum RelativePath {
    /// The path of `file` as seen from `folder` (`../baseline/gallery/000009/gae.jpg`), both resolved against
    /// the current directory first.
    static func from(_ folder: URL, to file: URL) -> String {
        let base = folder.standardizedFileURL.pathComponents
        let target = file.standardizedFileURL.pathComponents
        var shared = 0
        while shared < base.count && shared < target.count && base[shared] == target[shared] { shared += 1 }
        let up = Array(repeating: "..", count: base.count - shared)
        return (up + target[shared...]).joined(separator: "/")
    }
}
