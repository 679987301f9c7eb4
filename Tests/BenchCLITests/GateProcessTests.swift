import Foundation
import Reports
import Testing

/// `bench gate` as CI runs it: a new process on run folders written by hand, its exit status and its lines.
@Suite("bench gate in a new process")
struct GateProcessTests {
    /// Writes a run folder whose `per_image.csv` holds method `agc` on images `images` (ids `i<index>`):
    /// `iou` around 0.5 moved by `iouShift` and `map-constant` 1 on `constantOn`, each block closed by a status
    /// row and no seal (as a folder written before seals existed).
    static func writeRun(
        _ folder: URL, images: Range<Int> = 0..<60, iouShift: Double = 0, constantOn: Set<Int> = []
    ) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var lines = [ResultRow.header]
        for index in images {
            let iou = 0.5 + Double((index * 37) % 11) / 50 + iouShift
            lines.append("\(index),i\(index),cat,agc,iou,\(iou)")
            lines.append("\(index),i\(index),cat,agc,map-constant,\(constantOn.contains(index) ? 1 : 0)")
            lines.append("\(index),i\(index),cat,_image,status,1")
        }
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(
            to: folder.appendingPathComponent(RunDirectory.perImageName))
    }

    /// `bench gate --baseline baseline --run run` plus `extra`.
    static func gate(_ baseline: URL, _ run: URL, _ extra: [String] = []) throws -> BenchProcess.Outcome {
        try BenchProcess.run(["gate", "--baseline", baseline.path, "--run", run.path] + extra)
    }

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    @Test("identical runs pass with exit 0 and only the verdict line; --verbose prints every pair")
    func passes() throws {
        let base = BenchProcess.temporaryFolder("gate-pass")
        defer { try? FileManager.default.removeItem(at: base) }
        let baseline = base.appendingPathComponent("baseline")
        let run = base.appendingPathComponent("run")
        try Self.writeRun(baseline)
        try Self.writeRun(run)
        let outcome = try Self.gate(baseline, run)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        // iou, map-constant and the method-failed count of agc.
        #expect(Self.lines(outcome.standardOutput) == ["gate: pass (3 method x metric pairs on 60 paired images)"])
        let verbose = try Self.gate(baseline, run, ["--verbose"])
        let verboseLines = Self.lines(verbose.standardOutput)
        #expect(verbose.status == 0 && verboseLines.count == 5)
        #expect(verboseLines.first?.hasPrefix("method | metric | better |") == true)
        #expect(verboseLines.contains { $0.hasPrefix("agc | iou | higher |") && $0.hasSuffix("| 60 | ok") })
    }

    /// A change to the run and the failing metric it must name.
    struct Regression: Sendable, CustomTestStringConvertible {
        var iouShift: Double
        var constantOn: Set<Int>
        var metric: String
        var testDescription: String { "\(metric) got worse" }
    }

    @Test(
        "a metric worse in its direction fails with exit 1, naming only the regressed pair",
        arguments: [
            Regression(iouShift: -0.05, constantOn: [], metric: "iou"),
            Regression(iouShift: 0, constantOn: Set(0..<30), metric: "map-constant"),
        ])
    func regression(_ regression: Regression) throws {
        let base = BenchProcess.temporaryFolder("gate-fail")
        defer { try? FileManager.default.removeItem(at: base) }
        let baseline = base.appendingPathComponent("baseline")
        let run = base.appendingPathComponent("run")
        try Self.writeRun(baseline)
        try Self.writeRun(run, iouShift: regression.iouShift, constantOn: regression.constantOn)
        let outcome = try Self.gate(baseline, run)
        #expect(outcome.status == 1, "\(outcome.standardError)")
        let lines = Self.lines(outcome.standardOutput)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.dropFirst().first?.hasPrefix("agc | \(regression.metric) |") == true)
        #expect(lines.dropFirst().first?.hasSuffix("| REGRESSION") == true)
        #expect(lines.last == "gate: FAIL (1 of 3 method x metric pairs on 60 paired images regressed or missing)")
        // The other way round the change is an improvement.
        #expect(try Self.gate(run, baseline).status == 0)
    }

    @Test("runs without a shared image are refused with exit 3")
    func noSharedImages() throws {
        let base = BenchProcess.temporaryFolder("gate-disjoint")
        defer { try? FileManager.default.removeItem(at: base) }
        let baseline = base.appendingPathComponent("baseline")
        let run = base.appendingPathComponent("run")
        try Self.writeRun(baseline, images: 0..<60)
        try Self.writeRun(run, images: 100..<150)
        let outcome = try Self.gate(baseline, run, ["--allow-partial"])
        #expect(outcome.status == 3)
        #expect(outcome.standardOutput.isEmpty)
        #expect(
            outcome.standardError.contains("gate: cannot compare: the baseline (60 images) and the run (50 images)"))
    }

    @Test("partly overlapping runs are refused with exit 3, or compared with --allow-partial saying how many")
    func partialOverlap() throws {
        let base = BenchProcess.temporaryFolder("gate-partial")
        defer { try? FileManager.default.removeItem(at: base) }
        let baseline = base.appendingPathComponent("baseline")
        let run = base.appendingPathComponent("run")
        try Self.writeRun(baseline, images: 0..<60)
        try Self.writeRun(run, images: 20..<70)
        let refused = try Self.gate(baseline, run)
        #expect(refused.status == 3)
        #expect(refused.standardError.contains("only 40 images are in both runs (baseline 60, run 50)"))
        let allowed = try Self.gate(baseline, run, ["--allow-partial"])
        #expect(allowed.status == 0, "\(allowed.standardError)")
        #expect(
            Self.lines(allowed.standardOutput) == [
                "gate: paired 40 images (baseline has 60, run has 50)",
                "gate: pass (3 method x metric pairs on 40 paired images)",
            ])
    }

    @Test("a run folder with a damaged image block is refused with exit 3, naming the image")
    func damagedRun() throws {
        let base = BenchProcess.temporaryFolder("gate-damaged")
        defer { try? FileManager.default.removeItem(at: base) }
        let baseline = base.appendingPathComponent("baseline")
        let run = base.appendingPathComponent("run")
        try Self.writeRun(baseline, images: 0..<4)
        do {
            let directory = try RunDirectory(run)
            for index in 0..<4 {
                let rows = [
                    ResultRow(
                        index: index, imageID: "i\(index)", label: "cat", method: "agc", metric: "iou", value: 0.5),
                    ResultRow(
                        index: index, imageID: "i\(index)", label: "cat", method: "agc", metric: "map-constant",
                        value: 0),
                ]
                try directory.append(rows, index: index, imageID: "i\(index)", label: "cat", status: .evaluated)
            }
        }
        let url = run.appendingPathComponent(RunDirectory.perImageName)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        try Data(lines.filter { $0 != "1,i1,cat,agc,iou,0.5" }.map { $0 + "\n" }.joined().utf8).write(to: url)
        let outcome = try Self.gate(baseline, run)
        #expect(outcome.status == 3)
        #expect(outcome.standardError.contains("image i1 (index 1"), "\(outcome.standardError)")
    }

    @Test("--help documents the exit codes")
    func helpListsExitCodes() throws {
        let outcome = try BenchProcess.run(["gate", "--help"])
        let help = outcome.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("Exit status: 0 pass, 1 regression"), "\(help)")
        #expect(help.contains("3 the runs cannot be compared"))
        #expect(help.contains("--allow-partial") && help.contains("--verbose"))
    }

    @Test("runs of different protocols are refused with exit 3, naming the setting from their manifests")
    func differentProtocolsRefused() throws {
        let base = BenchProcess.temporaryFolder("gate-protocols")
        defer { try? FileManager.default.removeItem(at: base) }
        let otsu = base.appendingPathComponent("otsu")
        let coporan = base.appendingPathComponent("coporan")
        for (folder, name) in [(otsu, "otsu"), (coporan, "coporan2025")] {
            let outcome = try BenchProcess.run([
                "--methods", "rollout", "--limit", "2", "--protocol", name, "--quiet", "--out", folder.path,
            ])
            #expect(outcome.status == 0, "\(outcome.standardError)")
        }
        let outcome = try BenchProcess.run(["gate", "--baseline", otsu.path, "--run", coporan.path])
        #expect(outcome.status == 3)
        #expect(
            outcome.standardError.contains(
                "gate: cannot compare: the runs differ in protocol (baseline \"otsu\", run \"coporan2025\")"),
            "\(outcome.standardError)")
    }
}
