import Foundation
import Tensor
import Testing

@testable import Reports

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `report.html` where users meet it: written by a real `bench` run and by `bench merge`, rebuilt by
/// `bench report` from the folder alone, and `bench report --compare`; each page is read back by a parser.
@Suite("report.html across processes", .serialized)
struct ReportProcessTests {
    static let common = ["--methods", "rollout,gae,center", "--limit", "6", "--gallery", "2", "--quiet"]

    static func run(_ arguments: [String], into folder: URL) throws {
        let outcome = try BenchProcess.run(arguments + ["--out", folder.path])
        #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)")
    }

    /// The page of `folder` read back, with its problems recorded as test failures.
    static func check(_ folder: URL, page name: String = "report.html") throws -> ReportPageCheck {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        let check = ReportPageCheck(page: data)
        #expect(check.problems.isEmpty, "\(name): \(check.problems.prefix(5))")
        let page = String(decoding: data, as: UTF8.self)
        #expect(check.networkReferences(in: page).isEmpty, "\(name) names the network")
        #expect(check.unresolved(relativeTo: folder).isEmpty, "\(name): \(check.unresolved(relativeTo: folder))")
        return check
    }

    /// `summary.csv`'s method, metric and mean of every line.
    static func summary(_ folder: URL) throws -> [(method: String, metric: String, mean: String)] {
        let text = try String(contentsOf: folder.appendingPathComponent("summary.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (fields[0], fields[1], fields[2])
        }
    }

    @Test("a run writes report.html: valid, offline, every summary value, every picture in the folder")
    func runWritesPage() throws {
        let folder = BenchProcess.temporaryFolder("report")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.run(Self.common, into: folder)
        let check = try Self.check(folder)
        let summary = try Self.summary(folder)
        #expect(summary.count > 10)
        let cells = Set(check.cells.filter { ["summary-table", "count-table"].contains($0.table) })
        for entry in summary {
            let table =
                ["map-constant", "map-nonfinite", "method-failed"].contains(entry.metric)
                ? "count-table" : "summary-table"
            #expect(
                cells.contains(.init(table: table, method: entry.method, metric: entry.metric, value: entry.mean)),
                "\(entry) is not on the page")
        }
        // The gallery: 2 shared images with the image and 3 methods each, then each method's best and worst.
        let index = GalleryIndex(folder: folder)
        let shared = check.galleryPictures
        #expect(shared.count == 2 * 4, "\(shared)")
        #expect(Set(shared).isSubset(of: Set(index.entries.map(\.file))))
        for file in ["metrics_heatmap.svg", "iou_distribution.svg"] {
            let svg = try Data(contentsOf: folder.appendingPathComponent(file))
            #expect(XMLParser(data: svg).parse(), "\(file) is not well-formed")
        }
        // The same command again redraws nothing and shows the same page.
        let pictures = try FileManager.default.contentsOfDirectory(
            atPath: folder.appendingPathComponent("gallery").path)
        try Self.run(Self.common, into: folder)
        // Compared as text: an image's own entry has a NaN threshold, which `==` never equals.
        #expect(GalleryIndex(folder: folder).entries.map { "\($0)" } == index.entries.map { "\($0)" })
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("gallery").path).sorted()
                == pictures.sorted())
        let again = try ReportPageCheck(page: BenchProcess.contents(folder, "report.html"))
        #expect(again.galleryPictures == shared)
        #expect(again.cells == check.cells)
    }

    @Test("bench report rebuilds the run's page byte for byte from the folder, without the model")
    func reportRebuildsPage() throws {
        let folder = BenchProcess.temporaryFolder("report-rebuild")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.run(Self.common, into: folder)
        let written = try BenchProcess.contents(folder, "report.html")
        let heat = try BenchProcess.contents(folder, "metrics_heatmap.svg")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("report.html"))
        // Made from the folder's files alone: the same rows, manifest and pictures give the same bytes.
        let outcome = try BenchProcess.run(["report", folder.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(try BenchProcess.contents(folder, "report.html") == written)
        #expect(try BenchProcess.contents(folder, "metrics_heatmap.svg") == heat)
        let other = folder.appendingPathComponent("other.html")
        #expect(try BenchProcess.run(["report", folder.path, "--out", other.path, "--gallery", "none"]).status == 0)
        let check = try Self.check(folder, page: "other.html")
        #expect(check.galleryPictures.isEmpty)
        let refused = try BenchProcess.run(["report", folder.appendingPathComponent("gallery").path])
        #expect(refused.status == 64 && refused.standardError.contains("no per_image.csv"), "\(refused.standardError)")
    }

    @Test("after a stop in the gallery pass, the same command draws the rest and shows the same gallery")
    func galleryResumes() throws {
        let folder = BenchProcess.temporaryFolder("report-resume")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.run(Self.common, into: folder)
        let complete = try ReportPageCheck(page: BenchProcess.contents(folder, "report.html"))
        // What a stop after the first image's pictures leaves: the first image's lines, the rest not yet listed.
        let indexURL = GalleryIndex.url(in: folder)
        let lines = try String(contentsOf: indexURL, encoding: .utf8).split(separator: "\n")
        let firstImage = lines.dropFirst().prefix { $0.hasPrefix(lines[1].prefix { $0 != "," } + ",") }
        try Data(([lines[0]] + firstImage).joined(separator: "\n").appending("\n").utf8).write(to: indexURL)
        #expect(GalleryIndex(folder: folder).entries.count < lines.count - 1)
        try Self.run(Self.common, into: folder)
        #expect(GalleryIndex(folder: folder).entries.count == lines.count - 1)
        let resumed = try Self.check(folder)
        #expect(resumed.galleryPictures == complete.galleryPictures)
    }

    @Test("the pictures drawn from the maps kept during the run equal those of a second pass through the model")
    func keptMapsEqualSecondPass() throws {
        let folder = BenchProcess.temporaryFolder("report-kept")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = Self.common.filter { $0 != "--quiet" } + ["--out", folder.path]
        let first = try BenchProcess.run(arguments)
        #expect(
            first.status == 0 && first.standardError.contains("(0 passed through the model again)"),
            "\(first.standardError)")
        let index = GalleryIndex(folder: folder)
        let pictures = try index.entries.filter { !$0.file.isEmpty }.map { try BenchProcess.contents(folder, $0.file) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent(GalleryIndex.folderName))
        // Every image is done, so this process evaluates none and draws the gallery by the second pass.
        let second = try BenchProcess.run(arguments)
        #expect(second.status == 0 && !second.standardError.contains("(0 passed"), "\(second.standardError)")
        let again = GalleryIndex(folder: folder)
        #expect(again.entries.map { "\($0)" } == index.entries.map { "\($0)" })
        let redrawn = try again.entries.filter { !$0.file.isEmpty }.map { try BenchProcess.contents(folder, $0.file) }
        #expect(redrawn == pictures)
    }

    @Test("merged shards show the gallery of the unsplit run")
    func mergedGalleryEqualsOneRun() throws {
        let base = BenchProcess.temporaryFolder("report-merge")
        defer { try? FileManager.default.removeItem(at: base) }
        let whole = base.appendingPathComponent("whole")
        try Self.run(Self.common, into: whole)
        let shards = (0..<2).map { base.appendingPathComponent("shard\($0)") }
        for (position, shard) in shards.enumerated() {
            try Self.run(Self.common + ["--shard", "\(position)/2"], into: shard)
        }
        let merged = base.appendingPathComponent("merged")
        let outcome = try BenchProcess.run(["merge"] + shards.map(\.path) + ["--out", merged.path, "--gallery", "2"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let one = try Self.check(whole)
        let combined = try Self.check(merged)
        #expect(!one.galleryPictures.isEmpty)
        #expect(combined.galleryPictures == one.galleryPictures)
        #expect(combined.cells == one.cells)
    }

    /// Writes a 14 x 14 map for each image id into `folder`: a blob at the centre, or in the top-left corner.
    static func writeMaps(ids: [String], centred: Bool, into folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for id in ids {
            let values = (0..<196).map { position -> Float in
                let (y, x) = (Float(position / 14), Float(position % 14))
                let (cy, cx): (Float, Float) = centred ? (6.5, 6.5) : (1, 1)
                return exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / 8)
            }
            try NPY.write(
                Tensor(shape: [14, 14], storage: values), to: folder.appendingPathComponent("\(id).npy").path)
        }
    }

    @Test("bench report --compare: the changes with intervals, a regression highlighted, the moved images")
    func comparePage() throws {
        let base = BenchProcess.temporaryFolder("report-compare")
        defer { try? FileManager.default.removeItem(at: base) }
        let plain = base.appendingPathComponent("plain")
        try Self.run(["--methods", "rollout", "--limit", "6", "--gallery", "none", "--quiet"], into: plain)
        let ids = Array(Set(try RunMerge.rows(of: [plain]).map(\.imageID)))
        let runs = ["baseline": true, "run": false].map { name, centred in (name, centred) }
        for (name, centred) in runs {
            let maps = base.appendingPathComponent("maps-\(name)")
            try Self.writeMaps(ids: ids, centred: centred, into: maps)
            try Self.run(
                ["--methods", "rollout", "--maps", "probe=\(maps.path)", "--limit", "6", "--gallery", "6", "--quiet"],
                into: base.appendingPathComponent(name))
        }
        let baseline = base.appendingPathComponent("baseline")
        let candidate = base.appendingPathComponent("run")
        let page = base.appendingPathComponent("compare.html")
        let outcome = try BenchProcess.run(["report", "--compare", baseline.path, candidate.path, "--out", page.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let check = try Self.check(base, page: "compare.html")
        #expect(check.text.contains("FAIL"), "the corner maps should regress")
        let highlighted = try String(contentsOf: page, encoding: .utf8).components(
            separatedBy: "<tr data-method=\"probe\" class=\"moved\">")
        #expect(highlighted.count > 1, "no regression of probe is highlighted")
        #expect(check.references.contains { $0.hasPrefix("baseline/gallery/") })
        #expect(check.references.contains { $0.hasPrefix("run/gallery/") })
        let same = try BenchProcess.run(["report", "--compare", baseline.path, baseline.path, "--out", page.path])
        #expect(same.status == 0 && same.standardOutput.contains("(0 of "), "\(same.standardOutput)")
    }
}
