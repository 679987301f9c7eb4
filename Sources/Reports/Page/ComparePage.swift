import Evaluation
import Foundation

/// `compare.html`: the regression gate's view of a run against a baseline as a page: every method and metric's
/// paired change with its interval, what moved beyond tolerance highlighted, and the images whose scores moved
/// most, the two runs' pictures side by side where their galleries hold them.
public struct ComparePage {
    public let comparison: RegressionGate.Comparison
    public let html: String

    /// One image and method whose per-image score moved.
    struct Moved {
        var imageID: String
        var method: String
        var baseline: Double
        var run: Double
        var baselineIndex: Int
        var runIndex: Int
    }

    /// Compares the run folders `baseline` and `run` with `gate` and lays out the page.
    /// - Parameters:
    ///   - movedCount: how many (image, method) pairs whose ranking score changed most to show.
    ///   - pageFolder: where the page will be written, for the pictures' relative links.
    public static func build(
        baseline: URL, run: URL, gate: RegressionGate, movedCount: Int, pageFolder: URL
    ) throws -> ComparePage {
        let baselineRows = try RunMerge.rows(of: [baseline])
        let runRows = try RunMerge.rows(of: [run])
        let comparison = try gate.compare(baseline: baselineRows, run: runRows)
        let baselineManifest = try? Data(contentsOf: baseline.appendingPathComponent(RunDirectory.manifestName))
        let runManifest = try? Data(contentsOf: run.appendingPathComponent(RunDirectory.manifestName))
        let evaluation = try? RunReport.evaluation(manifest: baselineManifest)
        let metric = evaluation.flatMap(GallerySelection.rankingMetric(of:))
        let moved = metric.map { movedImages(baselineRows, runRows, metric: $0, count: movedCount) } ?? []
        var page = Layout(
            comparison: comparison, baselineFacts: RunFacts(manifest: baselineManifest),
            runFacts: RunFacts(manifest: runManifest), baselineFolder: baseline, runFolder: run,
            baselineGallery: GalleryIndex(folder: baseline), runGallery: GalleryIndex(folder: run),
            pageFolder: pageFolder, metric: metric, moved: moved, tolerance: gate.defaultTolerance)
        return ComparePage(comparison: comparison, html: page.render())
    }

    /// The `count` (image, method) pairs whose `metric` changed most in absolute value (ties: image id, then
    /// method), over the images both runs scored.
    static func movedImages(_ baseline: [ResultRow], _ run: [ResultRow], metric: Metric, count: Int) -> [Moved] {
        func values(_ rows: [ResultRow]) -> [String: (value: Double, index: Int)] {
            var byKey: [String: (Double, Int)] = [:]
            for row in rows where row.metric == metric.id && row.method != ResultRow.imageMethod && !row.value.isNaN {
                byKey["\(row.imageID)\u{0}\(row.method)"] = (row.value, row.index)
            }
            return byKey
        }
        let old = values(baseline)
        let new = values(run)
        let pairs = old.keys.compactMap { key -> Moved? in
            guard let before = old[key], let after = new[key], before.value != after.value else { return nil }
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            return Moved(
                imageID: parts[0], method: parts[1], baseline: before.value, run: after.value,
                baselineIndex: before.index, runIndex: after.index)
        }
        return Array(
            pairs.sorted {
                let a = abs($0.run - $0.baseline)
                let b = abs($1.run - $1.baseline)
                if a != b { return a > b }
                return ($0.imageID, $0.method) < ($1.imageID, $1.method)
            }.prefix(count))
    }

    /// The page's parts.
    struct Layout {
        var comparison: RegressionGate.Comparison
        var baselineFacts: RunFacts
        var runFacts: RunFacts
        var baselineFolder: URL
        var runFolder: URL
        var baselineGallery: GalleryIndex
        var runGallery: GalleryIndex
        var pageFolder: URL
        var metric: Metric?
        var moved: [Moved]
        var tolerance: Double

        mutating func render() -> String {
            let title = "\(runFacts.title) against \(baselineFacts.title)"
            var page = [
                "<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\"/>",
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
                "<meta name=\"color-scheme\" content=\"light dark\"/>",
                "<title>\(HTMLText.escape(title))</title>",
                "<style>/*<![CDATA[*/\n\(PageAssets.style)\n/*]]>*/</style>", "</head>", "<body>",
                "<header><h1>\(HTMLText.escape(title))</h1>",
                "<nav><a href=\"#changes\">changes</a><a href=\"#moved\">images that moved</a></nav>",
                "<dl class=\"facts\">",
                "<dt>baseline</dt><dd>\(HTMLText.escape(baselineFolder.path))</dd>",
                "<dt>run</dt><dd>\(HTMLText.escape(runFolder.path))</dd>",
            ]
            let overlap = comparison.overlap
            page.append(
                "<dt>images</dt><dd>\(overlap.pairedImages) paired (baseline \(overlap.baselineImages), run "
                    + "\(overlap.runImages))\(overlap.isPartial ? "; compared on the shared images" : "")</dd>")
            let failures = comparison.failures.count
            page.append(
                "<dt>verdict</dt><dd id=\"verdict\" data-failures=\"\(failures)\">"
                    + (failures == 0
                        ? "pass: nothing worse beyond tolerance with 95 % confidence"
                        : "FAIL: \(failures) of \(comparison.findings.count) method x metric pairs worse beyond "
                            + "tolerance or missing") + "</dd>")
            for (label, value) in runFacts.lines where ["protocol", "model", "dataset", "tool"].contains(label) {
                let old = baselineFacts.lines.first { $0.label == label }?.value ?? ""
                page.append(
                    "<dt>\(HTMLText.escape(label))</dt><dd>"
                        + (old == value
                            ? HTMLText.escape(value)
                            : "baseline: \(HTMLText.escape(old))<br/>run: \(HTMLText.escape(value))") + "</dd>")
            }
            page.append("</dl></header>")
            page += changes
            page += movedSection
            page += ["<script>//<![CDATA[\n\(PageAssets.script)\n//]]></script>", "</body>", "</html>"]
            return page.joined(separator: "\n") + "\n"
        }

        /// The paired change of every method and metric.
        var changes: [String] {
            var lines = [
                "<section id=\"changes\"><h2>Paired changes</h2>",
                "<p class=\"note\">Per method and metric on the paired images: baseline and run x100, the change "
                    + "(run - baseline) with its 95 % paired-bootstrap interval, and how much worse it is at the "
                    + "one-sided 95 % lower bound, the number `bench gate` compares with the tolerance (default "
                    + String(format: "%.2f", tolerance * 100)
                    + "; the failure counts compare their rise, 0 unless given). Highlighted: beyond tolerance or "
                    + "missing.</p>",
                "<div class=\"scroll\"><table class=\"sortable\" id=\"changes-table\"><thead><tr><th>method</th>"
                    + "<th class=\"text\">metric</th><th>better</th><th>baseline</th><th>run</th><th>change</th>"
                    + "<th>95 % interval</th><th>worse by (95 % lower bound)</th><th>tolerance</th><th>images</th>"
                    + "<th class=\"text\">verdict</th></tr></thead><tbody>",
            ]
            for finding in comparison.findings {
                let verdict = finding.missing ? "missing" : finding.isRegression ? "REGRESSION" : "ok"
                let change = finding.run - finding.baseline
                lines.append(
                    "<tr data-method=\"\(HTMLText.escape(finding.method))\""
                        + (finding.isRegression ? " class=\"moved\"" : "") + ">"
                        + "<td>\(HTMLText.escape(finding.method))</td>"
                        + "<td class=\"text\">\(HTMLText.escape(finding.metric))</td>"
                        + "<td>\(finding.direction.rawValue)</td>"
                        + Self.number(finding.baseline, scale: 100) + Self.number(finding.run, scale: 100)
                        + Self.number(change, scale: 100, signed: true)
                        + "<td data-value=\"\(RunTables.format(finding.changeLow))\">"
                        + (finding.changeLow.isNaN
                            ? "\u{2013}"
                            : String(format: "[%+.2f, %+.2f]", finding.changeLow * 100, finding.changeHigh * 100))
                        + "</td>" + Self.number(finding.dropLowerBound, scale: 100, signed: true)
                        + Self.number(finding.tolerance, scale: 100) + "<td data-value=\"\(finding.pairedImages)\">"
                        + "\(finding.pairedImages)</td>"
                        + "<td class=\"text\(finding.isRegression ? " regression" : "")\">\(verdict)</td></tr>")
            }
            lines.append("</tbody></table></div></section>")
            return lines
        }

        static func number(_ value: Double, scale: Double, signed: Bool = false) -> String {
            let text = value.isNaN ? "n/a" : String(format: signed ? "%+.2f" : "%.2f", value * scale)
            return "<td data-value=\"\(RunTables.format(value))\">\(text)</td>"
        }

        /// The images whose ranking score moved most, with both runs' pictures where they exist.
        var movedSection: [String] {
            guard let metric else {
                return [
                    "<section id=\"moved\"><h2>Images that moved</h2><p class=\"note\">This protocol has no "
                        + "per-image localization score to compare images by.</p></section>"
                ]
            }
            var lines = [
                "<section id=\"moved\"><h2>Images that moved</h2>",
                "<p class=\"note\">The \(moved.count) image and method pairs whose per-image "
                    + "\(HTMLText.escape(metric.id)) changed most; pictures where the run folders' galleries hold "
                    + "them (`bench report` shows only pictures a run drew).</p>",
                "<div class=\"scroll\"><table><thead><tr><th class=\"text\">image</th><th class=\"text\">method</th>"
                    + "<th>baseline</th><th>run</th><th>change</th><th class=\"text\">baseline picture</th>"
                    + "<th class=\"text\">run picture</th></tr></thead><tbody>",
            ]
            for item in moved {
                var row =
                    "<tr data-method=\"\(HTMLText.escape(item.method))\"><td class=\"text\">"
                    + "\(HTMLText.escape(item.imageID))</td><td class=\"text\">\(HTMLText.escape(item.method))</td>"
                    + Self.number(item.baseline, scale: 100) + Self.number(item.run, scale: 100)
                    + Self.number(item.run - item.baseline, scale: 100, signed: true)
                for (gallery, folder, index, side) in [
                    (baselineGallery, baselineFolder, item.baselineIndex, "baseline"),
                    (runGallery, runFolder, item.runIndex, "run"),
                ] {
                    row += "<td class=\"text\">"
                    if let entry = gallery.entry(index: index, method: item.method), !entry.file.isEmpty {
                        let path = RunPage.href(
                            RelativePath.from(pageFolder, to: folder.appendingPathComponent(entry.file)))
                        let title = "\(side): \(item.method) on \(item.imageID)"
                        row +=
                            "<a class=\"zoom\" href=\"\(path)\" title=\"\(HTMLText.escape(title))\"><img src=\"\(path)\" "
                            + "alt=\"\(HTMLText.escape(title))\" width=\"160\" loading=\"lazy\"/></a>"
                    } else {
                        row += "<span class=\"muted\">not in the \(side)'s gallery</span>"
                    }
                    row += "</td>"
                }
                lines.append(row + "</tr>")
            }
            lines.append("</tbody></table></div></section>")
            return lines
        }
    }
}
