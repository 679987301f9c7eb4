import Foundation

extension TextTable {
    /// How the ids of a split list may name files.
    package enum SplitIDForm: Sendable {
        /// A file stem (VOC `ImageSets`): no `/`, `\` or `..`.
        case stem
        /// A path relative to a data root (wsolevaluation's `image_ids.txt`, CUB's `images.txt`): `/` separates
        /// folders, but the path may not be absolute or hold a `..` component.
        case relativePath
    }

    /// Checks one id of a split list and records it in `seen`, so an id never appears twice (a run would score
    /// it twice and resume would conflate the two) and never names a file outside its folder.
    /// - Throws: ``DatasetError/badSplitID(path:line:id:reason:)`` naming the list, the line and the id.
    package static func checkSplitID(
        _ id: String, form: SplitIDForm, path: String, line: Int, seen: inout [String: Int]
    ) throws(DatasetError) {
        switch form {
        case .stem:
            if id.contains("/") || id.contains("\\") {
                throw .badSplitID(path: path, line: line, id: id, reason: "contains a path separator")
            }
            if id.contains("..") {
                throw .badSplitID(path: path, line: line, id: id, reason: "contains '..'")
            }
        case .relativePath:
            if id.hasPrefix("/") {
                throw .badSplitID(path: path, line: line, id: id, reason: "is an absolute path")
            }
            if id.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." }) {
                throw .badSplitID(path: path, line: line, id: id, reason: "has a '..' component")
            }
        }
        if let first = seen[id] {
            throw .badSplitID(path: path, line: line, id: id, reason: "appears twice (first on line \(first))")
        }
        seen[id] = line
    }

    /// Throws unless `path` is an existing folder.
    /// - Throws: ``DatasetError/missingFile(path:)`` when nothing is there, ``DatasetError/notAFolder(path:)`` when
    ///   it is a file.
    package static func requireFolder(_ path: String) throws(DatasetError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .missingFile(path: path)
        }
        guard isDirectory.boolValue else { throw .notAFolder(path: path) }
    }
}
