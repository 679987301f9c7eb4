import Foundation
import Imaging
import Reports
import TestSupport
import Testing

/// The input-side promises, checked on the real `bench` executable: a run on a dataset with broken files
/// exits 0, lists exactly the broken samples in `skipped.csv` with the file and the reason, scores the others,
/// and `bench inspect --decode` lists the same samples with the same reasons; a decompression bomb is refused
/// from its header with its declared size.
@Suite("Broken inputs through the bench executable", .serialized)
struct InputRobustnessProcessTests {
    /// `bench synth` into a new folder: `count` 224x224 scenes, all in val.
    static func synthesize(count: Int) throws -> URL {
        let root = BenchProcess.temporaryFolder("broken")
        let outcome = try BenchProcess.run([
            "synth", "--out", root.path, "--count", "\(count)", "--seed", "4", "--split-fraction", "0", "--quiet",
        ])
        try #require(outcome.status == 0, "bench synth failed: \(outcome.standardError)")
        return root
    }

    /// The rows of a CSV file after its header.
    static func rows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().compactMap {
            CSVLine.decode($0)
        }
    }

    static func edit(_ url: URL, _ change: (String) -> String) throws {
        try change(String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("bench run skips exactly the broken samples with file and reason, and inspect --decode agrees")
    func runSkipsAndInspectAgrees() throws {
        let root = try Self.synthesize(count: 8)
        let out = BenchProcess.temporaryFolder("broken-run")
        defer { for url in [root, out] { try? FileManager.default.removeItem(at: url) } }
        let ids = (1...8).map { String(format: "synth_%06d", $0) }
        func file(_ folder: String, _ id: String, _ suffix: String) -> URL {
            root.appendingPathComponent("\(folder)/\(id).\(suffix)")
        }
        // 0: truncated class mask; 2: class mask of another size; 3: malformed XML; 4: XML size that the image
        // does not have; 5: a box outside the image; 6: a JPEG bomb. 1 and 7 stay intact.
        let mask = try Data(contentsOf: file("SegmentationClass", ids[0], "png"))
        try mask.prefix(mask.count / 2).write(to: file("SegmentationClass", ids[0], "png"))
        try PNGCodec.encode(GrayImage(width: 224, height: 223)).write(to: file("SegmentationClass", ids[2], "png"))
        try Data("<annotation><size><width>224</wid".utf8).write(to: file("Annotations", ids[3], "xml"))
        try Self.edit(file("Annotations", ids[4], "xml")) {
            $0.replacingOccurrences(of: "<height>224</height>", with: "<height>230</height>")
        }
        try Self.edit(file("Annotations", ids[5], "xml")) {
            $0.replacingOccurrences(of: #"<xmax>\d+</xmax>"#, with: "<xmax>400</xmax>", options: .regularExpression)
        }
        try Data(ImageBombs.jpeg(width: 30000, height: 30000)).write(to: file("JPEGImages", ids[6], "jpg"))
        let broken = [ids[0], ids[2], ids[3], ids[4], ids[5], ids[6]]

        let run = try BenchProcess.run([
            "--dataset", "synthetic", "--root", root.path, "--methods", "rollout", "--out", out.path, "--quiet",
        ])
        #expect(run.status == 0, "bench run failed: \(run.standardError)")
        let skipped = try Self.rows(out.appendingPathComponent("skipped.csv"))
        #expect(skipped.map { $0[1] } == broken)
        let reasons = Dictionary(uniqueKeysWithValues: skipped.map { ($0[1], (path: $0[2], reason: $0[3])) })
        #expect(reasons[ids[0]]?.path == file("SegmentationClass", ids[0], "png").path)
        #expect(reasons[ids[0]]?.reason.contains("corrupt image") == true)
        #expect(reasons[ids[2]]?.reason.contains("mask is 224x223 but its image") == true)
        #expect(reasons[ids[2]]?.reason.contains("is 224x224") == true)
        #expect(reasons[ids[3]]?.path == file("Annotations", ids[3], "xml").path)
        #expect(reasons[ids[4]]?.reason.contains("annotation declares 224x230 but its image") == true)
        #expect(reasons[ids[5]]?.reason.contains("box [") == true)
        #expect(reasons[ids[6]]?.reason.contains("30000x30000") == true)
        let scored = Set(
            try Self.rows(out.appendingPathComponent("per_image.csv")).filter { $0[3] == "rollout" }.map { $0[1] })
        #expect(scored == [ids[1], ids[7]])

        let inspect = try BenchProcess.run(["inspect", "--dataset", "synthetic", "--root", root.path, "--decode"])
        #expect(inspect.status == 1)
        let listed = inspect.standardOutput.split(separator: "\n").filter { $0.hasPrefix("  synth_") }
        #expect(listed.map { String($0.dropFirst(2).prefix(12)) } == broken)
        for line in listed {
            let id = String(line.dropFirst(2).prefix(12))
            let reason = try #require(reasons[id]?.reason)
            #expect(line.contains("]  \(reason)"), "inspect: \(line)\nrun: \(reason)")
        }
    }

    @Test("bench inspect --decode refuses a 30000x30000 PNG bomb by its header; --max-image-pixels moves the limit")
    func inspectRefusesABomb() throws {
        let root = BenchProcess.temporaryFolder("bomb")
        defer { try? FileManager.default.removeItem(at: root) }
        let images = root.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try Data(ImageBombs.png(width: 30000, height: 30000)).write(to: images.appendingPathComponent("bomb.png"))
        try PNGCodec.encode(RGBImage(width: 20, height: 10)).write(to: images.appendingPathComponent("small.png"))
        let start = Date()
        let refused = try BenchProcess.run(["inspect", "--dataset", "folder", "--root", root.path, "--decode"])
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(refused.status == 1)
        let bombLine = refused.standardOutput.split(separator: "\n").first { $0.hasPrefix("  bomb ") }
        #expect(bombLine?.contains("[image-too-large]") == true)
        #expect(bombLine?.contains("30000x30000") == true && bombLine?.contains("268435456") == true)
        #expect(bombLine?.contains("--max-image-pixels") == true)
        #expect(!refused.standardOutput.contains("  small "))
        // A limit below the small image refuses it too, naming that limit.
        let strict = try BenchProcess.run([
            "inspect", "--dataset", "folder", "--root", root.path, "--decode", "--max-image-pixels", "199",
        ])
        #expect(strict.standardOutput.contains("20x10 = 200 pixels, more than the limit of 199"))
        let bad = try BenchProcess.run([
            "inspect", "--dataset", "folder", "--root", root.path, "--max-image-pixels", "0",
        ])
        #expect(bad.status != 0 && bad.standardError.contains("--max-image-pixels must be at least 1"))
    }

    @Test("a --root that is a file is refused with a message that says so")
    func rootIsAFile() throws {
        let file = BenchProcess.temporaryFolder("root-file")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try BenchProcess.run(["inspect", "--dataset", "voc", "--root", file.path])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains("\(file.path): is a file, not a folder"))
    }
}
