import Evaluation
import Foundation
import Testing

@testable import Reports

@Suite("Damage inside per_image.csv")
struct DamagedBlockTests {
    /// A folder with the blocks of images `0..<count` (``sampleRows(_:)``), written by ``RunDirectory``.
    static func writeRun(_ folder: URL, count: Int = 10) throws {
        let run = try RunDirectory(folder)
        for index in 0..<count {
            try run.append(sampleRows(index), index: index, imageID: "img_\(index)", label: "x", status: .evaluated)
        }
    }

    static func perImage(_ folder: URL) -> URL { folder.appendingPathComponent(RunDirectory.perImageName) }

    /// The file's lines (without their line breaks).
    static func lines(_ folder: URL) throws -> [String] {
        try String(contentsOf: perImage(folder), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func write(_ lines: [String], to folder: URL) throws {
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: perImage(folder))
    }

    /// A change to one image's block in the middle of the file.
    enum Damage: String, CaseIterable, Sendable {
        case deleteRow = "a row deleted"
        case alterValue = "a value altered"
        case garbleLine = "a line garbled"
        case deleteStatus = "the status row deleted"
        case deleteSeal = "the seal row deleted"

        /// `lines` with the block of image `index` changed.
        func apply(to lines: [String], index: Int) -> [String] {
            let prefix = "\(index),img_\(index),"
            var lines = lines
            let block = lines.indices.filter { lines[$0].hasPrefix(prefix) }
            guard let first = block.first, let last = block.last else { return lines }
            switch self {
            case .deleteRow: lines.remove(at: first + 1)
            case .alterValue:
                lines[first] = lines[first].split(separator: ",").dropLast().joined(separator: ",") + ",0.999"
            case .garbleLine: lines[first + 1] = "\(index),img_\(index),\"x,agc"
            case .deleteStatus: lines.remove(at: last)
            case .deleteSeal: lines.remove(at: last - 1)
            }
            return lines
        }

        /// Whether `reason` is the one this damage gives.
        func matches(_ reason: DamagedBlock.Reason) -> Bool {
            switch (self, reason) {
            case (.deleteRow, .rowCount(let sealed, let found)): sealed == found + 1
            case (.alterValue, .checksum): true
            case (.garbleLine, .unreadableLine): true
            case (.deleteStatus, .missingStatus): true
            case (.deleteSeal, .missingSeal): true
            default: false
            }
        }
    }

    @Test("a damaged block in mid-file is dropped and listed, the blocks after it kept", arguments: Damage.allCases)
    func dropsDamagedBlock(_ damage: Damage) throws {
        let whole = temporaryFolder("damage-whole")
        let damaged = temporaryFolder("damage-\(damage)")
        defer { for url in [whole, damaged] { try? FileManager.default.removeItem(at: url) } }
        try Self.writeRun(whole)
        try Self.writeRun(damaged)
        try Self.write(damage.apply(to: try Self.lines(damaged), index: 4), to: damaged)

        // Readers that cannot evaluate the image again refuse the folder, naming it and the image.
        #expect {
            _ = try RunMerge.rows(of: [damaged])
        } throws: { error in
            guard case .damaged(let path, let blocks) = error as? ReportError else { return false }
            return path == Self.perImage(damaged).path && blocks.map(\.index) == [4]
                && "\(error)".contains("image img_4 (index 4")
        }

        let run = try RunDirectory(damaged)
        let block = try #require(run.damagedBlocks.first)
        #expect(run.damagedBlocks.count == 1 && block.index == 4 && block.imageID == "img_4")
        #expect(damage.matches(block.reason), "\(block.reason)")
        #expect(run.completed == Set(0..<10).subtracting([4]))
        #expect(!run.rows.contains { $0.index == 4 })
        // The resumed run evaluates the image again; the tables equal the undamaged run's.
        try run.append(sampleRows(4), index: 4, imageID: "img_4", label: "x", status: .evaluated)
        let reopened = try RunDirectory(damaged)
        #expect(reopened.damagedBlocks.isEmpty && reopened.completed == Set(0..<10))
        #expect(Set(try Self.lines(damaged)) == Set(try Self.lines(whole)))
        let expected = RunTables(rows: try RunMerge.rows(of: [whole]), evaluation: .chefer2021)
        #expect(
            RunTables(rows: try RunMerge.rows(of: [damaged]), evaluation: .chefer2021).summaryCSV == expected.summaryCSV
        )
    }

    @Test("an intact file opens with no warning and unchanged bytes")
    func intactFile() throws {
        let folder = temporaryFolder("intact")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeRun(folder)
        let before = try Data(contentsOf: Self.perImage(folder))
        let run = try RunDirectory(folder)
        #expect(run.damagedBlocks.isEmpty && run.completed == Set(0..<10))
        #expect(try Data(contentsOf: Self.perImage(folder)) == before)
        #expect(!run.rows.contains { BlockSeal(row: $0) != nil })
        #expect(try Self.lines(folder).filter { $0.contains(",_image,seal:fnv1a64:") }.count == 10)
    }

    @Test("with requireSeals, a block whose seal was deleted is damaged even as the file's first block")
    func requiredSeals() throws {
        let folder = temporaryFolder("required-seals")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeRun(folder, count: 4)
        try Self.write(Damage.deleteSeal.apply(to: try Self.lines(folder), index: 0), to: folder)
        // Read leniently, a first block without a seal looks like the old format.
        #expect(try RunDirectory.readCompleteBlocks(Self.perImage(folder)).damaged.isEmpty)
        let run = try RunDirectory(folder, requireSeals: true)
        #expect(run.damagedBlocks.map(\.index) == [0] && run.completed == Set(1..<4))
        #expect(run.damagedBlocks.first.map { Damage.deleteSeal.matches($0.reason) } == true)
    }

    @Test("a folder written before seals existed opens as before, and blocks appended to it are sealed")
    func oldFormat() throws {
        let folder = temporaryFolder("old-format")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeRun(folder, count: 6)
        let unsealed = try Self.lines(folder).filter { !$0.contains(",_image,seal:") }
        try Self.write(unsealed, to: folder)
        do {
            let run = try RunDirectory(folder)
            #expect(run.damagedBlocks.isEmpty && run.completed == Set(0..<6))
            #expect(run.rows.count == 6 * (sampleRows(0).count + 1))
            try run.append(sampleRows(6), index: 6, imageID: "img_6", label: "x", status: .evaluated)
        }
        let reopened = try RunDirectory(folder)
        #expect(reopened.damagedBlocks.isEmpty && reopened.completed == Set(0..<7))
        #expect(try Self.lines(folder).filter { $0.contains(",_image,seal:") }.count == 1)
    }

    @Test("damage in mid-file and a torn last block: the damaged block is listed, the torn one cut silently")
    func damageAndTornTail() throws {
        let folder = temporaryFolder("damage-torn")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeRun(folder)
        var lines = Damage.alterValue.apply(to: try Self.lines(folder), index: 2)
        lines.append(contentsOf: sampleRows(10).prefix(2).map(\.csvLine))
        try Self.write(lines, to: folder)
        let handle = try FileHandle(forWritingTo: Self.perImage(folder))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("10,img_10,x,agc,io".utf8))
        try handle.close()
        let run = try RunDirectory(folder)
        #expect(run.damagedBlocks.map(\.index) == [2])
        #expect(run.completed == Set(0..<10).subtracting([2]))
        #expect(try !String(contentsOf: Self.perImage(folder), encoding: .utf8).contains("img_10"))
    }
}
