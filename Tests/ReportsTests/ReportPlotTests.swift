import Evaluation
import Foundation
import Testing

@testable import Reports

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("The report's plots")
struct ReportPlotTests {
    @Test("box-plot numbers: numpy's linear quartiles, Tukey's whiskers, outliers beyond 1.5 IQR")
    func boxPlotSummary() throws {
        // numpy: percentile([0, .1, .2, .3, .4, 1], [25, 50, 75]) = [0.125, 0.25, 0.375]; IQR 0.25, so the
        // whiskers reach 0 and 0.4 and 1 is an outlier (> 0.375 + 0.375).
        let summary = try #require(ScoreDistributionPlot.summary([0, 0.1, 0.2, 0.3, 0.4, 1]))
        #expect(abs(summary.lowerQuartile - 0.125) < 1e-12)
        #expect(abs(summary.median - 0.25) < 1e-12)
        #expect(abs(summary.upperQuartile - 0.375) < 1e-12)
        #expect(summary.lowerWhisker == 0 && summary.upperWhisker == 0.4 && summary.outliers == [1])
        #expect(abs(summary.mean - 2.0 / 6) < 1e-12)
        #expect(ScoreDistributionPlot.summary([]) == nil)
    }

    @Test("the heat-table colours each column from its worst to its best method, in the metric's direction")
    func heatTableDirection() throws {
        func row(_ method: String, _ metric: String, _ value: Double) -> ResultRow {
            ResultRow(index: 0, imageID: "i", label: "a", method: method, metric: metric, value: value)
        }
        let evaluation = try EvaluationProtocol.named("agc2024")
        let rows = [
            row("a", "iou", 0.2), row("b", "iou", 0.6), row("a", "auc-deletion-morf", 0.2),
            row("b", "auc-deletion-morf", 0.6),
            ResultRow(
                index: 0, imageID: "i", label: "a", method: ResultRow.imageMethod, metric: ResultRow.statusMetric,
                value: ImageStatus.evaluated.rawValue),
        ]
        let table = MetricHeatTable(RunTables(rows: rows, evaluation: evaluation))
        #expect(table.methods == ["a", "b"])
        #expect(table.position(0.6, metric: .iou) == 1 && table.position(0.2, metric: .iou) == 0)
        let deletion = try #require(table.metrics.first { $0.id == "auc-deletion-morf" })
        #expect(table.position(0.2, metric: deletion) == 1, "lower deletion area is better")
        #expect(MetricHeatTable.color(0) == "#feebe2" && MetricHeatTable.color(1) == "#253494")
        let svg = try #require(table.svg(style: .standalone))
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        #expect(table.svg(style: .inline)?.contains("http") == false)
    }
}
