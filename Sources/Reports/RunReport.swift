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

    /// Computes the tables of `rows` and `histograms` and writes them into `folder` with the manifest's title
    /// and notes.
    @discardableResult
    public static func write(
        rows: [ResultRow], histograms: PooledHistograms = PooledHistograms(), manifest: Data?, to folder: URL
    ) throws(ReportError) -> RunTables {
        var tables = RunTables(rows: rows, histograms: histograms)
        tables.protocolName = protocolName(manifest: manifest)
        let (title, notes) = describe(manifest: manifest)
        try tables.write(to: folder, title: title, notes: notes)
        return tables
    }
}
