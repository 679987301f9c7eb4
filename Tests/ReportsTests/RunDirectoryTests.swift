import Evaluation
import Foundation
import Testing

@testable import Reports

/// A fresh folder under the system temporary directory.
func temporaryFolder(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "reports-tests-\(name)-\(UUID().uuidString)")
    return url
}

/// The rows a run would write for image `index`: two methods, a plain metric and a ratio pair each.
func sampleRows(_ index: Int) -> [ResultRow] {
    let id = "img_\(index)"
    let label = index % 2 == 0 ? "cat" : "dog, big"
    return ["agc", "rollout:start=1"].flatMap { method -> [ResultRow] in
        let base = Double(index % 7) / 7 + (method == "agc" ? 0.1 : 0)
        return [
            ResultRow(index: index, imageID: id, label: label, method: method, metric: "map", value: base),
            ResultRow(
                index: index, imageID: id, label: label, method: method, metric: "pixel-accuracy.numerator",
                value: Double(index % 5)),
            ResultRow(
                index: index, imageID: id, label: label, method: method, metric: "pixel-accuracy.denominator",
                value: 4),
            ResultRow(
                index: index, imageID: id, label: label, method: method, metric: "curve:deletion-morf@0.5",
                value: index % 3 == 0 ? .nan : base / 2),
        ]
    }
}

@Suite("Run folders")
struct RunDirectoryTests {
    @Test("rows survive a write and read back unchanged, quotes, commas and NaN included")
    func roundTrip() throws {
        let folder = temporaryFolder("roundtrip")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let run = try RunDirectory(folder)
            for index in 0..<5 {
                try run.append(sampleRows(index), index: index, imageID: "img_\(index)", label: "x", status: .evaluated)
            }
        }
        let reopened = try RunDirectory(folder)
        #expect(reopened.completed == Set(0..<5))
        let expected = (0..<5).flatMap { sampleRows($0) }
        let read = reopened.rows.filter { $0.method != ResultRow.imageMethod }
        #expect(read.count == expected.count)
        #expect(RunMerge.same(read, expected))
    }

    @Test("a torn last block is cut off on reopen and the resumed run gives the uninterrupted run's tables")
    func resumesAfterTornWrite() throws {
        let whole = temporaryFolder("whole")
        let resumed = temporaryFolder("resumed")
        defer {
            try? FileManager.default.removeItem(at: whole)
            try? FileManager.default.removeItem(at: resumed)
        }
        do {
            let run = try RunDirectory(whole)
            for index in 0..<20 {
                try run.append(sampleRows(index), index: index, imageID: "img_\(index)", label: "x", status: .evaluated)
            }
        }
        do {
            let run = try RunDirectory(resumed)
            for index in 0..<12 {
                try run.append(sampleRows(index), index: index, imageID: "img_\(index)", label: "x", status: .evaluated)
            }
        }
        // A kill in the middle of image 12's block: two full rows and half of a third, no status row.
        let perImage = resumed.appendingPathComponent(RunDirectory.perImageName)
        let handle = try FileHandle(forWritingTo: perImage)
        try handle.seekToEnd()
        let torn = sampleRows(12).prefix(3).map { $0.csvLine + "\n" }.joined()
        try handle.write(contentsOf: Data(torn.utf8.prefix(torn.utf8.count - 9)))
        try handle.close()

        let run = try RunDirectory(resumed)
        #expect(run.completed == Set(0..<12))
        for index in 0..<20 where !run.completed.contains(index) {
            try run.append(sampleRows(index), index: index, imageID: "img_\(index)", label: "x", status: .evaluated)
        }
        let expected = try String(contentsOf: whole.appendingPathComponent(RunDirectory.perImageName), encoding: .utf8)
        let actual = try String(contentsOf: perImage, encoding: .utf8)
        #expect(actual == expected)
        let wholeTables = RunTables(rows: try RunMerge.rows(of: [whole]), evaluation: .chefer2021)
        let resumedTables = RunTables(rows: try RunMerge.rows(of: [resumed]), evaluation: .chefer2021)
        #expect(wholeTables.summaryCSV == resumedTables.summaryCSV)
        #expect(wholeTables.curvesCSV == resumedTables.curvesCSV)
    }

    @Test("a skipped sample is listed once with its reason, and an entry without its status row is dropped")
    func skippedSamples() throws {
        let folder = temporaryFolder("skipped")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let run = try RunDirectory(folder)
            try run.appendSkipped(index: 0, imageID: "bad, one", path: "/data/bad.jpg", reason: "truncated JPEG")
            try run.append(sampleRows(1), index: 1, imageID: "img_1", label: "x", status: .evaluated)
        }
        // A kill between writing skipped.csv and closing the image's block.
        let skippedURL = folder.appendingPathComponent(RunDirectory.skippedName)
        let handle = try FileHandle(forWritingTo: skippedURL)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("2,img_2,/data/img_2.jpg,missing\n".utf8))
        try handle.close()

        let run = try RunDirectory(folder)
        #expect(run.completed == [0, 1])
        let text = try String(contentsOf: skippedURL, encoding: .utf8)
        #expect(text == "index,image_id,path,reason\n0,\"bad, one\",/data/bad.jpg,truncated JPEG\n")
        let tables = RunTables(rows: run.rows, evaluation: .chefer2021)
        #expect(tables.imageCounts.evaluated == 1 && tables.imageCounts.skipped == 1)
    }

    @Test("a file that is not a run's per_image.csv is refused with its path")
    func refusesForeignFile() throws {
        let folder = temporaryFolder("foreign")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(RunDirectory.perImageName)
        try Data("a,b,c\n1,2,3\n".utf8).write(to: url)
        #expect(throws: ReportError.malformed(path: url.path, line: 1, reason: "not a per_image.csv header")) {
            _ = try RunDirectory(folder)
        }
    }
}
