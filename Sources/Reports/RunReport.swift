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
}
