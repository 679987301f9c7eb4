import Evaluation
import Foundation
import Testing

@testable import Reports

@Suite("The perturbation-curve plot")
struct CurvePlotTests {
    static func point(_ method: String, _ curve: String, _ fraction: Double, _ mean: Double) -> RunTables.CurvePoint {
        RunTables.CurvePoint(method: method, curve: curve, fraction: fraction, mean: mean, count: 3)
    }

    @Test("one panel per curve, one line per method with its points in order, NaN means left out")
    func panels() throws {
        let plot = CurvePlot([
            Self.point("agc", "probability-morf", 0.5, 0.4), Self.point("agc", "probability-morf", 0, 0.9),
            Self.point("rollout", "probability-morf", 0, 0.9), Self.point("rollout", "probability-morf", 0.5, .nan),
            Self.point("agc", "probability-lerf", 0, 0.9),
        ])
        #expect(plot.methods == ["agc", "rollout"])
        #expect(plot.panels.map(\.curve) == ["probability-morf", "probability-lerf"])
        let morf = try #require(plot.panels.first)
        #expect(morf.lines.map(\.method) == ["agc", "rollout"])
        #expect(morf.lines[0].points.map(\.x) == [0, 0.5] && morf.lines[0].points.map(\.y) == [0.9, 0.4])
        #expect(morf.lines[1].points.count == 1)
    }

    @Test("fractions plot on [0, 1]; logits on their range padded by 5 %")
    func ranges() {
        let fractions = CurvePlot([Self.point("a", "top1-morf", 0, 1), Self.point("a", "top1-morf", 1, 0)])
        #expect(CurvePlot.yRange(fractions.panels[0]) == (0, 1))
        let logits = CurvePlot([Self.point("a", "logit-morf", 0, 12), Self.point("a", "logit-morf", 1, -8)])
        let range = CurvePlot.yRange(logits.panels[0])
        #expect(abs(range.low - -9) < 1e-12 && abs(range.high - 13) < 1e-12)
    }

    @Test("the SVG places each point by the panel's axes")
    func coordinates() throws {
        let plot = CurvePlot([
            Self.point("agc", "probability-morf", 0, 1), Self.point("agc", "probability-morf", 0.5, 0.25),
        ])
        let svg = try #require(plot.svg)
        // Plot area: x from 52 to 344 (width 292), y from 30 (value 1) to 220 (value 0, height 190).
        // (0, 1) → (52, 30); (0.5, 0.25) → (52 + 146, 30 + 0.75 * 190) = (198, 172.5).
        #expect(svg.contains("points=\"52,30 198,172.5\""))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"550\" height=\"260\""))
        #expect(svg.contains(">probability-morf</text>") && svg.contains(">agc</text>"))
    }

    @Test("a run without curves writes no plot")
    func noCurves() throws {
        #expect(CurvePlot([]).svg == nil)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try RunTables(rows: [], evaluation: .chefer2021).write(to: folder, title: "t")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("curves.svg").path))
        let rows = [
            ResultRow(index: 0, imageID: "a", label: "x", method: "agc", metric: "curve:deletion-morf@0.5", value: 1)
        ]
        try RunTables(rows: rows, evaluation: .chefer2021).write(to: folder, title: "t")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("curves.svg").path))
    }
}
