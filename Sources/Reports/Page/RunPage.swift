import Evaluation
import Foundation

/// `report.html`: a run on one page that opens offline from disk: its header, the summary with intervals, the
/// plots, the perturbation curves, the gallery of maps and the per-class table.
///
/// Built from the run folder alone (tables, rows, manifest, `skipped.csv`, `gallery/index.csv`), never from a
/// model, so `bench report` rebuilds it from a finished folder. The page is one file of HTML with its style
/// and a small script inline and plots as inline SVG; pictures are referenced by relative path inside the run
/// folder. Every number carries its exact value in a `data-value` attribute (the CSV's text), so a test or a
/// script can read the page back.
public struct RunPage {
    public let facts: RunFacts
    public let tables: RunTables
    public let rows: [ResultRow]
    public let skipped: [SkippedSample]
    public let gallery: GalleryIndex
    public let selection: GallerySelection
    /// Per-image values, `scores[index][method][metric id]`, for the gallery's captions.
    let scores: [Int: [String: [String: Double]]]
    /// Per image, its top-1 correctness, from the `_image` rows.
    let correctness: [Int: Bool]
    /// What goes before a path inside the run folder to reach it from the page ("" for a page in the folder).
    let linkBase: String
    /// The images the gallery was asked to show with every method (the smaller of `--gallery` and the images).
    let requestedShared: Int

    /// The page of a run, its gallery chosen among the pictures the folder holds (``GallerySelection``).
    /// - Parameter linkBase: the run folder's path as seen from the page's folder, with a trailing `/` ("" when
    ///   the page is in the run folder), for the pictures' links.
    public init(
        tables: RunTables, rows: [ResultRow], manifest: Data?, skipped: [SkippedSample], gallery: GalleryIndex,
        galleryCount: Int, linkBase: String = ""
    ) {
        self.linkBase = linkBase
        requestedShared = GallerySelection(rows: rows, evaluation: tables.evaluation, count: galleryCount).shared.count
        self.facts = RunFacts(manifest: manifest)
        self.tables = tables
        self.rows = rows
        self.skipped = skipped
        self.gallery = gallery
        let methods = GallerySelection.methods(in: rows)
        selection = GallerySelection(
            rows: rows, evaluation: tables.evaluation, count: galleryCount,
            sharedCandidates: gallery.completeImages(methods: methods), methodCandidates: gallery.imagesByMethod())
        var scores: [Int: [String: [String: Double]]] = [:]
        var correctness: [Int: Bool] = [:]
        let shown = Set(selection.overlays.map(\.index))
        for row in rows where shown.contains(row.index) {
            if row.method == ResultRow.imageMethod {
                if row.metric == "top1-correct" { correctness[row.index] = row.value == 1 }
                continue
            }
            scores[row.index, default: [:]][row.method, default: [:]][row.metric] = row.value
        }
        self.scores = scores
        self.correctness = correctness
    }

    /// The whole page.
    public var html: String {
        var page = [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\"/>",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
            "<meta name=\"color-scheme\" content=\"light dark\"/>",
            "<meta name=\"generator\" content=\"\(HTMLText.escape(facts.lines.first { $0.label == "tool" }?.value ?? "bench"))\"/>",
            "<title>\(HTMLText.escape(facts.title))</title>",
            "<style>/*<![CDATA[*/\n\(PageAssets.style)\n/*]]>*/</style>",
            "</head>",
            "<body>",
        ]
        page += header
        page += summarySection
        page += plotsSection
        page += curvesSection
        page += gallerySection
        page += extremesSection
        page += perClassSection
        page += skippedSection
        page += [
            "<script>//<![CDATA[\n\(PageAssets.script)\n//]]></script>",
            "</body>",
            "</html>",
        ]
        return page.joined(separator: "\n") + "\n"
    }

    /// The table metrics shown as score columns: every table metric but the counts.
    var scoreMetrics: [Metric] {
        let present = Set(tables.summary.map(\.metric))
        return tables.evaluation.tableMetrics.filter { !$0.isFailureCount && present.contains($0.id) }
    }

    /// The count metrics (map conditions, failures) that the run has entries for.
    var countMetrics: [Metric] {
        let present = Set(tables.summary.map(\.metric))
        return tables.evaluation.tableMetrics.filter { $0.isFailureCount && present.contains($0.id) }
    }

    var methods: [String] {
        var order: [String] = []
        for entry in tables.summary where !order.contains(entry.method) { order.append(entry.method) }
        return order
    }

    /// A fraction as the tables print it: x100 with two decimals; "n/a" when undefined.
    static func percent(_ value: Double, digits: Int = 2) -> String {
        value.isNaN ? "n/a" : String(format: "%.\(digits)f", value * 100)
    }

    /// The attribute text of an exact value: the CSV's form (``RunTables/format(_:)``).
    static func exact(_ value: Double) -> String { RunTables.format(value) }
}
