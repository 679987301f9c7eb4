import Foundation
import Reports
import Testing

/// A run folder damaged between two `bench` processes: the second finds the damaged block, evaluates the image
/// again and ends with the first run's tables.
@Suite("A damaged per_image.csv resumed by a new bench process", .serialized)
struct DamagedRunProcessTests {
    @Test("a row deleted in mid-file is detected, the image recomputed, and the tables equal the first run's")
    func deletedRowIsRecomputed() throws {
        let out = BenchProcess.temporaryFolder("damaged-run")
        defer { try? FileManager.default.removeItem(at: out) }
        let arguments = ["--methods", "rollout", "--limit", "3", "--out", out.path, "--quiet"]
        let first = try BenchProcess.run(arguments)
        try #require(first.status == 0, "\(first.standardError)")
        let perImageURL = out.appendingPathComponent(RunDirectory.perImageName)
        let original = try String(contentsOf: perImageURL, encoding: .utf8)
        let summary = try BenchProcess.contents(out, "summary.csv")

        // Delete the iou row of the middle image (index 1): a damage no torn write can make.
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        let victim = try #require(lines.firstIndex { $0.hasPrefix("1,") && $0.contains(",rollout,iou,") })
        let imageID = String(lines[victim].split(separator: ",")[1])
        lines.remove(at: victim)
        try Data(lines.joined(separator: "\n").utf8).write(to: perImageURL)

        let second = try BenchProcess.run(arguments)
        try #require(second.status == 0, "\(second.standardError)")
        let warning = second.standardError.split(separator: "\n").first { $0.hasPrefix("warning: ") }
        #expect(
            warning?.contains("image \(imageID) (index 1") == true && warning?.contains("evaluated again") == true,
            "\(second.standardError)")
        let resumed = try String(contentsOf: perImageURL, encoding: .utf8)
        // The image is appended again at the end, so the rows are equal as a set, not in order.
        #expect(resumed.split(separator: "\n").sorted() == original.split(separator: "\n").sorted())
        #expect(try BenchProcess.contents(out, "summary.csv") == summary)
    }
}
