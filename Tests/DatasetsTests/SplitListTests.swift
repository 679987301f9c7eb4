import Foundation
import Testing

@testable import Datasets

/// Split lists (lists of sample ids) that repeat an id or name a file outside their folder, and roots that are
/// files: refused at open with the file, the line and the id.
struct SplitListTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("splits-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test(
        "a VOC ImageSets list with a repeated id, a '/' or '..' is refused naming the line and id",
        arguments: [
            ("a\nb\na\n", 3, "a", "appears twice (first on line 1)"),
            ("a\n../etc/passwd\n", 2, "../etc/passwd", "contains a path separator"),
            ("a\nsub/b\n", 2, "sub/b", "contains a path separator"),
            ("a\n..\n", 2, "..", "contains '..'"),
        ])
    func vocSplitList(text: String, line: Int, id: String, reason: String) throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["Annotations", "JPEGImages"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        let list = "\(root)/ImageSets/Main/val.txt"
        try Self.write(text, to: list)
        let expected = DatasetError.badSplitID(path: list, line: line, id: id, reason: reason)
        #expect(throws: expected) { try VOCDataset(root: root, options: .init(split: "val", imageSet: .main)) }
        #expect(expected.description == "\(list): line \(line): id '\(id)' \(reason)")
    }

    @Test(
        "a wsolevaluation image_ids.txt with a repeated, absolute or '..' id is refused",
        arguments: [
            ("test/a.jpg\ntest/a.jpg\n", 2, "test/a.jpg", "appears twice (first on line 1)"),
            ("test/a.jpg\n/etc/b.jpg\n", 2, "/etc/b.jpg", "is an absolute path"),
            ("test/../../b.jpg\n", 1, "test/../../b.jpg", "has a '..' component"),
        ])
    func wsolImageIDs(text: String, line: Int, id: String, reason: String) throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let metadata = "\(root)/metadata/CUB/test"
        try Self.write(text, to: "\(metadata)/image_ids.txt")
        try Self.write("", to: "\(metadata)/class_labels.txt")
        #expect(throws: DatasetError.badSplitID(path: "\(metadata)/image_ids.txt", line: line, id: id, reason: reason))
        {
            try WSOLMetadataDataset(metadataDirectory: metadata, dataRoot: root)
        }
    }

    @Test(
        "a CUB images.txt naming one file twice or a '..' path is refused",
        arguments: [
            ("1 a/x.jpg\n2 a/x.jpg\n", 2, "a/x.jpg", "appears twice (first on line 1)"),
            ("1 a/x.jpg\n2 ../y.jpg\n", 2, "../y.jpg", "has a '..' component"),
        ])
    func cubImages(text: String, line: Int, id: String, reason: String) throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/images", withIntermediateDirectories: true)
        try Self.write("1 001.A\n", to: "\(root)/classes.txt")
        try Self.write(text, to: "\(root)/images.txt")
        #expect(throws: DatasetError.badSplitID(path: "\(root)/images.txt", line: line, id: id, reason: reason)) {
            try CUBDataset(root: root)
        }
    }

    @Test(
        "a dataset root that is a file says so, for every adapter that reads a folder",
        arguments: ["voc", "imagenet", "cub", "folder", "wsol", "wsol-data"])
    func rootIsAFile(adapter: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/root.txt"
        try Self.write("not a folder", to: file)
        let expected = DatasetError.notAFolder(path: file)
        #expect(expected.description == "\(file): is a file, not a folder (a dataset root must be a folder)")
        #expect(throws: expected) {
            switch adapter {
            case "voc": _ = try VOCDataset(root: file)
            case "imagenet": _ = try ImageNetValDataset(root: file)
            case "cub": _ = try CUBDataset(root: file)
            case "folder": _ = try FolderDataset(root: file)
            case "wsol": _ = try WSOLMetadataDataset(metadataDirectory: file, dataRoot: folder)
            default: _ = try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: file)
            }
        }
    }
}
