import Evaluation
import Foundation

/// Writes a run folder's tables from its rows and its manifest's description.
public enum RunReport {
    /// The title and notes of `summary.md` from a manifest: dataset, model and protocol, as the manifest's
    /// `title` and `notes` keys give them (both optional).
    public static func describe(manifest: Data?) -> (title: String, notes: [String]) {
        guard let manifest,
            let object = try? JSONSerialization.jsonObject(with: manifest) as? [String: Any]
        else { return ("Results", []) }
        let title = object["title"] as? String ?? "Results"
        let notes = object["notes"] as? [String] ?? []
        return (title, notes)
    }

    /// The manifest's `protocol`, or "" when there is none.
    public static func protocolName(manifest: Data?) -> String {
        guard let manifest,
            let object = try? JSONSerialization.jsonObject(with: manifest) as? [String: Any]
        else { return "" }
        return object["protocol"] as? String ?? ""
    }

    /// The built-in protocol the manifest names.
    /// - Throws: ``ReportError/incompatible(_:)`` when the manifest names none or an unknown one.
    public static func evaluation(manifest: Data?) throws(ReportError) -> EvaluationProtocol {
        let name = protocolName(manifest: manifest)
        do {
            return try EvaluationProtocol.named(name)
        } catch {
            throw .incompatible(
                name.isEmpty
                    ? "the run's manifest names no protocol, so its metrics cannot be aggregated"
                    : "the run's protocol \(name) is not one this version of bench knows (\(error))")
        }
    }

    /// Computes the tables of `rows` and `histograms` under the manifest's protocol and writes them into
    /// `folder` with the manifest's title and notes.
    @discardableResult
    public static func write(
        rows: [ResultRow], histograms: PooledHistograms = PooledHistograms(), manifest: Data?, to folder: URL
    ) throws(ReportError) -> RunTables {
        let tables = RunTables(rows: rows, evaluation: try evaluation(manifest: manifest), histograms: histograms)
        let (title, notes) = describe(manifest: manifest)
        try tables.write(to: folder, title: title, notes: notes)
        return tables
    }

    /// The name of the page in a run folder.
    public static let pageName = "report.html"
    /// The name of the heat-table next to the tables.
    public static let heatTableName = "metrics_heatmap.svg"
    /// Images shown with every method in the gallery unless `--gallery` says otherwise.
    public static let defaultGalleryCount = 8

    /// Writes `report.html`, `metrics_heatmap.svg` and the ranking metric's `<metric>_distribution.svg` into
    /// `folder` from the run's rows, its tables and what the folder holds (`skipped.csv`, `gallery/`).
    /// - Returns: the page's path.
    @discardableResult
    public static func writePage(
        tables: RunTables, rows: [ResultRow], manifest: Data?, folder: URL,
        galleryCount: Int = defaultGalleryCount, pageURL: URL? = nil
    ) throws(ReportError) -> URL {
        let page = RunPage(
            tables: tables, rows: rows, manifest: manifest, skipped: SkippedSample.read(folder: folder),
            gallery: GalleryIndex(folder: folder), galleryCount: galleryCount)
        var files: [(URL, String)] = [(pageURL ?? folder.appendingPathComponent(pageName), page.html)]
        if let heat = MetricHeatTable(tables).svg(style: .standalone) {
            files.append((folder.appendingPathComponent(heatTableName), heat))
        }
        if let metric = GallerySelection.rankingMetric(of: tables.evaluation) {
            let plot = ScoreDistributionPlot(rows: rows, metric: metric)
            if let svg = plot.svg(style: .standalone) {
                files.append((folder.appendingPathComponent(plot.fileName), svg))
            }
        }
        for (url, text) in files {
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw .io(path: url.path, reason: error.localizedDescription)
            }
        }
        return files[0].0
    }

    /// Rebuilds the page of a finished run folder from its files alone (no model pass): reads the rows and the
    /// manifest, computes the tables and writes the page and the plots.
    /// - Parameter pageURL: where to write the page (default `report.html` in the folder); relative links to
    ///   the folder's pictures assume the page sits in the folder.
    /// - Throws: ``ReportError`` for a folder that is not a readable run (no rows, a damaged block, an unknown
    ///   protocol).
    @discardableResult
    public static func rebuild(
        folder: URL, galleryCount: Int = defaultGalleryCount, pageURL: URL? = nil
    ) throws(ReportError) -> URL {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(RunDirectory.perImageName).path)
        else {
            throw .io(
                path: folder.appendingPathComponent(RunDirectory.perImageName).path,
                reason: "no such file; is this a run folder?")
        }
        let directory = try RunDirectory(folder)
        if !directory.damagedBlocks.isEmpty {
            throw .damaged(
                path: folder.appendingPathComponent(RunDirectory.perImageName).path, blocks: directory.damagedBlocks)
        }
        let manifest = try directory.readManifest()
        let tables = RunTables(
            rows: directory.rows, evaluation: try evaluation(manifest: manifest), histograms: directory.histograms)
        return try writePage(
            tables: tables, rows: directory.rows, manifest: manifest, folder: folder, galleryCount: galleryCount,
            pageURL: pageURL)
    }
}
