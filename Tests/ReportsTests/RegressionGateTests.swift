import Evaluation
import Testing

@testable import Reports

@Suite("The regression gate")
struct RegressionGateTests {
    /// A per-image value that varies with the image, so the bootstrap has spread.
    static func noise(_ index: Int) -> Double { Double((index * 37) % 11) / 50 }

    /// Rows of method `agc` on images `images` (ids `i<index>`): `iou` around 0.5, the two RISE areas around
    /// 0.3 and `map-constant` 0, each moved by `shifts[metric]`; `map-constant` is 1 on the images in
    /// `constantOn`.
    static func rows(
        _ images: Range<Int> = 0..<60, shifts: [String: Double] = [:], constantOn: Set<Int> = []
    ) -> [ResultRow] {
        images.flatMap { index -> [ResultRow] in
            let values: [(String, Double)] = [
                ("iou", 0.5 + noise(index)), ("auc-deletion-morf", 0.3 + noise(index)),
                ("auc-insertion-morf", 0.3 + noise(index)), ("map-constant", constantOn.contains(index) ? 1 : 0),
            ]
            return values.map { metric, value in
                ResultRow(
                    index: index, imageID: "i\(index)", label: "c", method: "agc", metric: metric,
                    value: value + (shifts[metric] ?? 0))
            }
        }
    }

    static let gate = RegressionGate(defaultTolerance: 0.02)

    @Test("identical runs and changes within tolerance pass")
    func passes() throws {
        let baseline = Self.rows()
        #expect(try Self.gate.compare(baseline: baseline, run: baseline).passed)
        let small = Self.rows(shifts: ["iou": -0.01, "auc-deletion-morf": 0.01, "auc-insertion-morf": -0.01])
        let comparison = try Self.gate.compare(baseline: baseline, run: small)
        #expect(comparison.passed)
        #expect(comparison.overlap == .init(baselineImages: 60, runImages: 60, pairedImages: 60))
    }

    /// A metric moved by a shift, and whether that is a regression under the metric's direction.
    struct Move: Sendable, CustomTestStringConvertible {
        var metric: String
        var shift: Double
        var regresses: Bool
        var testDescription: String { "\(metric) \(shift > 0 ? "rises" : "falls") by \(abs(shift))" }
    }

    @Test(
        "a change regresses only in the metric's worse direction",
        arguments: [
            Move(metric: "iou", shift: -0.05, regresses: true),
            Move(metric: "iou", shift: 0.05, regresses: false),
            Move(metric: "auc-deletion-morf", shift: 0.05, regresses: true),
            Move(metric: "auc-deletion-morf", shift: -0.05, regresses: false),
            Move(metric: "auc-insertion-morf", shift: -0.05, regresses: true),
            Move(metric: "auc-insertion-morf", shift: 0.05, regresses: false),
        ])
    func direction(_ move: Move) throws {
        let comparison = try Self.gate.compare(
            baseline: Self.rows(), run: Self.rows(shifts: [move.metric: move.shift]))
        #expect(comparison.failures.map(\.metric) == (move.regresses ? [move.metric] : []))
    }

    @Test("more constant maps is a regression, fewer is not")
    func mapConstant() throws {
        let some = Set(0..<10)
        let many = Set(0..<40)
        let rise = try Self.gate.compare(
            baseline: Self.rows(constantOn: some), run: Self.rows(constantOn: many))
        #expect(rise.failures.map(\.metric) == ["map-constant"])
        let fall = try Self.gate.compare(
            baseline: Self.rows(constantOn: many), run: Self.rows(constantOn: some))
        #expect(fall.passed)
    }

    @Test("one new constant map in 60 images fails the gate; a tolerance given for the count lets it pass")
    func oneNewFailureCounts() throws {
        let rise = try Self.gate.compare(baseline: Self.rows(), run: Self.rows(constantOn: [7]))
        #expect(rise.failures.map(\.metric) == ["map-constant"])
        #expect(rise.failures.first.map { abs($0.dropLowerBound - 1.0 / 60) < 1e-12 && $0.tolerance == 0 } == true)
        var lenient = Self.gate
        lenient.tolerances["map-constant"] = 0.02
        #expect(try lenient.compare(baseline: Self.rows(), run: Self.rows(constantOn: [7])).passed)
    }

    @Test("a method that newly fails counts, though the baseline has no method-failed row")
    func methodFailed() throws {
        let baseline = Self.rows()
        // On half of the images the method failed: its only row there is method-failed.
        let run =
            Self.rows().filter { $0.index >= 30 }
            + (0..<30).map {
                ResultRow(index: $0, imageID: "i\($0)", label: "c", method: "agc", metric: "method-failed", value: 1)
            }
        let comparison = try Self.gate.compare(baseline: baseline, run: run)
        let failed = try #require(comparison.findings.first { $0.metric == "method-failed" })
        #expect(failed.isRegression && failed.pairedImages == 60 && failed.baseline == 0 && failed.run == 0.5)
        let recovered = try Self.gate.compare(baseline: run, run: baseline)
        #expect(recovered.findings.contains { $0.metric == "method-failed" && !$0.isRegression })
    }

    @Test("a metric missing from the run fails")
    func missingMetric() throws {
        let comparison = try Self.gate.compare(
            baseline: Self.rows(), run: Self.rows().filter { $0.metric != "auc-deletion-morf" })
        let finding = try #require(comparison.failures.first)
        #expect(comparison.failures.count == 1 && finding.metric == "auc-deletion-morf" && finding.missing)
    }

    @Test("runs without a shared image are refused")
    func noOverlap() {
        #expect(throws: GateError.noSharedImages(baselineImages: 60, runImages: 50)) {
            _ = try Self.gate.compare(baseline: Self.rows(0..<60), run: Self.rows(100..<150))
        }
    }

    @Test("images the run skipped do not pair: the overlap is partial, and counted with allowPartial")
    func skippedImagesDoNotPair() throws {
        let baseline = Self.rows(0..<60)
        // The run has rows for the first 50 images and only a skipped status row for the last 10.
        let skipped = (50..<60).map {
            ResultRow(
                index: $0, imageID: "i\($0)", label: "", method: ResultRow.imageMethod, metric: ResultRow.statusMetric,
                value: ImageStatus.skipped.rawValue)
        }
        let run = Self.rows(0..<50) + skipped
        #expect(throws: GateError.partialOverlap(paired: 50, baselineImages: 60, runImages: 50)) {
            try Self.gate.compare(baseline: baseline, run: run)
        }
        var lenient = Self.gate
        lenient.allowPartial = true
        #expect(try lenient.compare(baseline: baseline, run: run).overlap.pairedImages == 50)
    }

    @Test("partly overlapping runs are refused, or compared on the shared images with allowPartial")
    func partialOverlap() throws {
        let baseline = Self.rows(0..<60)
        let run = Self.rows(20..<70)
        #expect(throws: GateError.partialOverlap(paired: 40, baselineImages: 60, runImages: 50)) {
            _ = try Self.gate.compare(baseline: baseline, run: run)
        }
        var partial = Self.gate
        partial.allowPartial = true
        let comparison = try partial.compare(baseline: baseline, run: run)
        #expect(comparison.overlap == .init(baselineImages: 60, runImages: 50, pairedImages: 40))
        #expect(comparison.overlap.isPartial && comparison.passed)
        #expect(comparison.findings.allSatisfy { $0.pairedImages == 40 })
    }

    @Test("a metric without a known direction is refused, not compared the default way")
    func unknownMetric() {
        let run =
            Self.rows() + [
                ResultRow(index: 0, imageID: "i0", label: "c", method: "agc", metric: "auc_morf", value: 0.3)
            ]
        #expect(throws: GateError.unknownMetric(method: "agc", metric: "auc_morf")) {
            _ = try Self.gate.compare(baseline: Self.rows(), run: run)
        }
    }

    @Test(
        "directions come from the metric's definition, ratio halves from their metric",
        arguments: [
            ("auc-deletion-morf", Metric.Direction.lowerIsBetter), ("auc-deletion-lerf", .higherIsBetter),
            ("auc-insertion-morf", .higherIsBetter), ("auc-insertion-lerf", .lowerIsBetter),
            ("abpc", .higherIsBetter), ("map-constant", .lowerIsBetter), ("map-nonfinite", .lowerIsBetter),
            ("method-failed", .lowerIsBetter), ("iou-foreground.numerator", .higherIsBetter),
            ("pixel-accuracy.denominator", .higherIsBetter), ("map", .higherIsBetter),
        ])
    func directions(_ metric: String, _ expected: Metric.Direction) {
        #expect(MetricRow(id: metric)?.metric?.direction == expected)
    }
}
