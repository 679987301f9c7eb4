import Foundation

extension VOCDataset {
    /// Finds the `VOC2012` folder from what the user gave: the folder itself (it holds `Annotations/`), or
    /// `VOC2012/`, `VOCdevkit/VOC2012/` or `trainval/VOCdevkit/VOC2012/` below it.
    /// - Throws: ``DatasetError/missingFile(path:)`` when `root` does not exist, ``DatasetError/notAFolder(path:)``
    ///   when it is a file, ``DatasetError/invalidLayout(path:reason:)`` when none of those holds `Annotations/`
    ///   and `JPEGImages/`.
    public static func resolveRoot(_ root: String) throws -> String {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        try TextTable.requireFolder(trimmed)
        let candidates = ["", "/VOC2012", "/VOCdevkit/VOC2012", "/trainval/VOCdevkit/VOC2012"].map { trimmed + $0 }
        guard let found = candidates.first(where: { isDirectory($0 + "/Annotations") }) else {
            throw DatasetError.invalidLayout(
                path: trimmed,
                reason: "no Annotations/ folder here or in VOC2012/, VOCdevkit/VOC2012/, trainval/VOCdevkit/VOC2012/")
        }
        try requireDirectory(found + "/JPEGImages", root: found)
        return found
    }

    /// Throws ``DatasetError/invalidLayout(path:reason:)`` unless `path` is a folder.
    static func requireDirectory(_ path: String, root: String) throws {
        guard isDirectory(path) else {
            let name = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
            throw DatasetError.invalidLayout(path: root, reason: "no \(name)/ folder")
        }
    }

    /// The ids of `ImageSets/<imageSet>/<split>.txt`: one id per line; blank lines and `\r` are ignored.
    ///
    /// A line with more than one token (the per-class lists' `<id> 1|-1|0`) is rejected rather than read as
    /// an id, so a per-class list never silently stands in for a split; so is an id that repeats or holds `/`
    /// or `..` (``DatasetError/badSplitID(path:line:id:reason:)``).
    static func readSplit(root: String, imageSet: ImageSet, split: String) throws -> [String] {
        let folder = root + "/ImageSets/" + imageSet.rawValue
        let path = folder + "/" + split + ".txt"
        guard let data = FileManager.default.contents(atPath: path) else {
            let available = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".txt") && !$0.contains("_") }
                .map { String($0.dropLast(4)) }
                .sorted()
            let hint = available.isEmpty ? "" : " (available: \(available.joined(separator: ", ")))"
            throw DatasetError.invalidLayout(
                path: root, reason: "no split list ImageSets/\(imageSet.rawValue)/\(split).txt\(hint)")
        }
        var ids: [String] = []
        var seen: [String: Int] = [:]
        // `isNewline`, not "\n": Swift reads "\r\n" as one Character, so splitting on "\n" misses CRLF lines.
        let lines = String(decoding: data, as: UTF8.self)
            .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (number, line) in zip(1..., lines) {
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if tokens.isEmpty { continue }
            guard tokens.count == 1 else {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(number) has \(tokens.count) fields, expected one image id")
            }
            let id = String(tokens[0])
            try TextTable.checkSplitID(id, form: .stem, path: path, line: number, seen: &seen)
            ids.append(id)
        }
        return ids
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
