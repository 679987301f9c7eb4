import Evaluation
import Foundation
import Testing

/// Every dataset-level metric as a user sees it, in a run's `summary.csv`, equals the official evaluator's number
/// on the same maps and ground truth (issue 14): maps from disk (`--maps`) on a folder dataset through the built
/// `bench`, whole and as two shards merged, against ``RunLevelFixture``.
///
/// Tolerances, and why:
/// - MaxBoxAcc (wsolevaluation `BoxEvaluator`) is a share of images: both numbers must name the same count of
///   the `n` images.
/// - MaxBoxAccV2 (a mean of three such shares), PxAP (`MaskEvaluator`: float64 sums of the same 1,002 terms,
///   numpy's pairwise order against ours), Chefer's pixel accuracy and IoUs (ratios of integer counts with
///   `np.spacing(1)`) and mAP (scikit-learn's AP per image, the same algorithm): 1e-12.
/// - AG-CAM's ratios are float32 in their script (torch sums and divisions): each image's to 1e-6 (a float32
///   ratio in `[0, 1]` is within 6e-8 of ours, and one pixel changes a ratio by at least 1 / 50,176, 2e-5); the
///   mean, which their script accumulates in float32 over the images, to 2e-6.
@Suite("run-level numbers equal the official evaluators'", .serialized)
struct RunLevelReferenceTests {
    /// How one summary number is compared with the official one.
    enum Check: Sendable {
        /// A share of the images: ours and the official one name the same count of the `n` images.
        case imageShare
        /// Within an absolute tolerance.
        case within(Double)
    }

    /// One protocol and the metrics of its summary compared.
    struct ProtocolCase: Sendable, CustomTestStringConvertible {
        let name: String
        /// The official numbers divided by this are fractions, as in `summary.csv` (wsolevaluation reports percent).
        let officialScale: Double
        let checks: [(metric: String, check: Check)]
        /// Per-image metrics compared with the official per-image values in `per_image.csv`, with the tolerance.
        let perImageTolerance: Double?
        /// Whether only images with a mask are scored (Chefer's segmentation test).
        let masksOnly: Bool

        var testDescription: String { name }
    }

    static let cases: [ProtocolCase] = [
        ProtocolCase(
            name: "wsoleval", officialScale: 100,
            checks: [
                ("maxboxacc-iou30", .imageShare), ("maxboxacc-iou50", .imageShare), ("maxboxacc-iou70", .imageShare),
                ("maxboxacc-v2", .within(1e-12)), ("pxap", .within(1e-12)),
            ],
            perImageTolerance: nil, masksOnly: false),
        ProtocolCase(
            name: "wsoleval-v1", officialScale: 100,
            checks: [("maxboxacc-v1", .imageShare), ("maxboxacc-iou50", .imageShare), ("pxap", .within(1e-12))],
            perImageTolerance: nil, masksOnly: false),
        ProtocolCase(
            name: "chefer2021", officialScale: 1,
            checks: [
                ("pixel-accuracy", .within(1e-12)), ("iou-background", .within(1e-12)),
                ("iou-foreground", .within(1e-12)), ("miou", .within(1e-12)), ("map", .within(1e-12)),
            ],
            perImageTolerance: 1e-12, masksOnly: true),
        ProtocolCase(
            name: "agc2024", officialScale: 1,
            checks: ["pixel-accuracy", "iou", "dice", "precision", "recall"].map { ($0, Check.within(2e-6)) },
            perImageTolerance: 1e-6, masksOnly: false),
    ]

    /// One row of `summary.csv`.
    struct SummaryEntry {
        var mean: Double
        var count: Int
    }

    /// `summary.csv` of `folder` keyed by method and metric.
    static func summary(_ folder: URL) throws -> [String: [String: SummaryEntry]] {
        let text = try String(contentsOf: folder.appendingPathComponent("summary.csv"), encoding: .utf8)
        var table: [String: [String: SummaryEntry]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            // method,metric,mean,ci_low,ci_high,n,protocol: names here hold no comma or quote.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 7, "summary.csv line '\(line)'")
            let mean = try #require(Double(fields[2]), "mean of '\(line)'")
            let count = try #require(Int(fields[5]), "n of '\(line)'")
            table[fields[0], default: [:]][fields[1]] = SummaryEntry(mean: mean, count: count)
        }
        return table
    }

    /// `per_image.csv` of `folder`: method → image id → metric → value.
    static func perImage(_ folder: URL) throws -> [String: [String: [String: Double]]] {
        let text = try String(contentsOf: folder.appendingPathComponent("per_image.csv"), encoding: .utf8)
        var table: [String: [String: [String: Double]]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            // index,image_id,label,method,metric,value
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, let value = Double(fields[5]) else { continue }
            table[fields[3], default: [:]][fields[1], default: [:]][fields[4]] = value
        }
        return table
    }

    /// Checks the tables of the finished run in `folder` against the official numbers of `testCase`.
    static func expectOfficialNumbers(
        _ folder: URL, _ testCase: ProtocolCase, fixture: RunLevelFixture, source: SourceLocation = #_sourceLocation
    ) throws {
        let summary = try summary(folder)
        let official = try #require(fixture.expected[testCase.name], sourceLocation: source)
        let allImages = fixture.images.count
        let maskedImages = fixture.images.filter(\.masked).count
        for set in RunLevelFixture.mapSets {
            let numbers = try #require(official[set], sourceLocation: source)
            for (metric, check) in testCase.checks {
                let expected =
                    try #require(numbers[metric], "\(set) \(metric)", sourceLocation: source)
                    / testCase
                    .officialScale
                let entry = try #require(summary[set]?[metric], "no \(set) \(metric) row", sourceLocation: source)
                // PxAP and Chefer's segmentation metrics are computed on the images with a mask only.
                let expectedCount = testCase.masksOnly || metric == "pxap" ? maskedImages : allImages
                #expect(entry.count == expectedCount, "\(set) \(metric): n", sourceLocation: source)
                switch check {
                case .imageShare:
                    let officialCount = expected * Double(expectedCount)
                    #expect(
                        abs(officialCount - officialCount.rounded()) < 1e-9
                            && abs(entry.mean * Double(entry.count) - officialCount.rounded()) < 1e-9,
                        "\(set) \(metric): \(entry.mean) of \(entry.count), official \(expected)",
                        sourceLocation: source
                    )
                case .within(let tolerance):
                    #expect(
                        abs(entry.mean - expected) <= tolerance,
                        "\(set) \(metric): \(entry.mean), official \(expected)",
                        sourceLocation: source)
                }
            }
        }
    }

    /// Checks each image's rows of the finished run in `folder`: every image evaluated and classified correctly
    /// (the fixture's labels are the demo model's top-1 classes, so AG-CAM's correct-only filter keeps all), and
    /// the per-image official values where the protocol has them.
    static func expectOfficialPerImage(_ folder: URL, _ testCase: ProtocolCase, fixture: RunLevelFixture) throws {
        let rows = try perImage(folder)
        for image in fixture.images {
            #expect(rows["_image"]?[image.id]?["status"] == 1, "\(image.id) evaluated")
            #expect(rows["_image"]?[image.id]?["top1-correct"] == 1, "\(image.id): the demo model's top-1")
        }
        guard let tolerance = testCase.perImageTolerance else { return }
        let official = try #require(fixture.perImage[testCase.name])
        for set in RunLevelFixture.mapSets {
            let byImage = try #require(official[set])
            #expect(byImage.count == fixture.images.filter { $0.masked || !testCase.masksOnly }.count)
            for image in fixture.images {
                guard let values = byImage[image.id] else { continue }
                for (metric, expected) in values where !metric.hasSuffix("-pixels") {
                    let value = try #require(rows[set]?[image.id]?[metric], "\(set) \(image.id) \(metric)")
                    #expect(
                        abs(value - expected) <= tolerance,
                        "\(set) \(image.id) \(metric): \(value), official \(expected)")
                }
                // A constant map predicts nothing under agc2024, so its pixel accuracy is the true boxes' fill
                // alone: AG-CAM's own loader (`int(x / W * 224)`, which turns 61 into 60 on a 224 side) and
                // `box_to_seg` made the official value.
                if testCase.name == "chefer2021", image.constant[set] == true {
                    // Chefer's NaN path: every AP score ties, so the AP is the share of positives.
                    #expect(rows[set]?[image.id]?["map"] == 0.5, "\(set) \(image.id): a constant map's AP")
                }
            }
        }
    }

    @Test("the fixture was made with the code at the commits the protocols name", arguments: cases)
    func referenceCommits(_ testCase: ProtocolCase) throws {
        let fixture = try RunLevelFixture.load()
        let reference = try EvaluationProtocol.named(testCase.name).reference
        let source =
            testCase.name.hasPrefix("wsoleval")
            ? "wsolevaluation" : testCase.name == "chefer2021" ? "transformer-explainability" : "agcam"
        let used = try #require(fixture.references[source])
        let commit = try #require(used.split(separator: "@").last.map { String($0.prefix(7)) })
        #expect(reference.contains(commit), "\(testCase.name): \(reference) names another commit than \(used)")
    }

    @Test("summary.csv equals the official evaluator, whole and as two merged shards", arguments: cases)
    func officialNumbers(_ testCase: ProtocolCase) throws {
        let fixture = try RunLevelFixture.load()
        #expect(
            RunLevelFixture.mapSets.allSatisfy { set in fixture.images.filter { $0.constant[set] == true }.count >= 2 },
            "each map set holds constant maps")
        let base = BenchProcess.temporaryFolder("run-level-\(testCase.name)")
        defer { try? FileManager.default.removeItem(at: base) }
        let arguments = try RunLevelFixture.runArguments(protocol: testCase.name)

        let whole = base.appendingPathComponent("whole")
        let run = try BenchProcess.run(arguments + ["--out", whole.path])
        try #require(run.status == 0, "\(run.standardError)")
        try Self.expectOfficialNumbers(whole, testCase, fixture: fixture)
        try Self.expectOfficialPerImage(whole, testCase, fixture: fixture)

        let shards = (0..<2).map { base.appendingPathComponent("shard\($0)") }
        for (index, shard) in shards.enumerated() {
            let outcome = try BenchProcess.run(arguments + ["--shard", "\(index)/2", "--out", shard.path])
            try #require(outcome.status == 0, "shard \(index): \(outcome.standardError)")
        }
        let merged = base.appendingPathComponent("merged")
        let merge = try BenchProcess.run(["merge"] + shards.map(\.path) + ["--out", merged.path])
        try #require(merge.status == 0, "\(merge.standardError)")
        try Self.expectOfficialNumbers(merged, testCase, fixture: fixture)
        #expect(try BenchProcess.contents(merged, "summary.csv") == BenchProcess.contents(whole, "summary.csv"))
    }
}
