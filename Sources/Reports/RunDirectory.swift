import Foundation

/// A run's output folder: append-only `per_image.csv` and `skipped.csv`, plus `manifest.json`, and
/// `sweep_histograms.csv` for protocols with dataset-level sweeps (wsolevaluation's PxAP).
///
/// Each image's rows are written as one block ending in a status row (``ResultRow/statusMetric``) and made
/// durable (`fsync`) before the next image starts. A run killed at any point (Ctrl-C, SIGTERM, power loss)
/// leaves at most one incomplete block at the end of the file; ``open(_:)`` cuts it off, so the resumed run
/// redoes exactly the images that had not finished and the tables equal those of an uninterrupted run.
public final class RunDirectory {
    /// The folder.
    public let url: URL
    /// Dataset indices whose block is complete (evaluated, filtered or skipped).
    public private(set) var completed: Set<Int>
    /// The rows already in `per_image.csv` (status rows included).
    public private(set) var rows: [ResultRow]
    /// The sweep histograms of the completed images, in file order.
    public private(set) var histograms: [SweepHistogram]

    private let perImage: FileHandle
    private let skipped: FileHandle
    /// Opened when the folder has or first gets a histogram.
    private var histogramFile: FileHandle?

    /// The per-image results file name.
    public static let perImageName = "per_image.csv"
    /// The failed-samples file name.
    public static let skippedName = "skipped.csv"
    /// The run description file name.
    public static let manifestName = "manifest.json"
    /// The sweep histograms file name (written only by protocols that need it).
    public static let histogramsName = "sweep_histograms.csv"
    /// The header of `skipped.csv`.
    public static let skippedHeader = "index,image_id,path,reason"

    /// Opens `url` for appending, creating it and its files when new, and drops an incomplete last block
    /// left by a killed run (from both files).
    public init(_ url: URL) throws(ReportError) {
        self.url = url
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .io(path: url.path, reason: "cannot create the run folder: \(error.localizedDescription)")
        }
        let perImageURL = url.appendingPathComponent(Self.perImageName)
        let skippedURL = url.appendingPathComponent(Self.skippedName)
        let (rows, keptBytes) = try Self.readCompleteBlocks(perImageURL)
        self.rows = rows
        completed = Set(rows.filter { $0.metric == ResultRow.statusMetric }.map(\.index))
        perImage = try Self.openForAppend(perImageURL, header: ResultRow.header, keepingBytes: keptBytes)
        let keptSkipped = try Self.readSkipped(skippedURL, keeping: completed)
        skipped = try Self.openForAppend(skippedURL, header: Self.skippedHeader, keepingBytes: nil)
        try Self.rewrite(skipped, lines: [Self.skippedHeader] + keptSkipped, path: skippedURL.path)
        let histogramsURL = url.appendingPathComponent(Self.histogramsName)
        histograms = try Self.readHistograms(histogramsURL, keeping: completed)
        if FileManager.default.fileExists(atPath: histogramsURL.path) {
            let handle = try Self.openForAppend(histogramsURL, header: SweepHistogram.header, keepingBytes: nil)
            try Self.rewrite(
                handle, lines: [SweepHistogram.header] + histograms.map(\.csvLine), path: histogramsURL.path)
            histogramFile = handle
        }
    }

    deinit {
        try? perImage.close()
        try? skipped.close()
        try? histogramFile?.close()
    }

    /// Appends one image's rows and its status row as one block, and makes it durable.
    ///
    /// The image's `histograms` are written and made durable first: until the block's status row is on disk
    /// the image is not complete, and ``init(_:)`` drops histograms of incomplete images, so a run killed
    /// between the two writes redoes the image without counting it twice.
    public func append(
        _ imageRows: [ResultRow], index: Int, imageID: String, label: String, status: ImageStatus,
        histograms imageHistograms: [SweepHistogram] = []
    ) throws(ReportError) {
        precondition(imageRows.allSatisfy { $0.index == index }, "RunDirectory: rows of another image")
        precondition(imageHistograms.allSatisfy { $0.index == index }, "RunDirectory: histograms of another image")
        if !imageHistograms.isEmpty {
            let histogramsURL = url.appendingPathComponent(Self.histogramsName)
            let handle: FileHandle
            if let histogramFile {
                handle = histogramFile
            } else {
                handle = try Self.openForAppend(histogramsURL, header: SweepHistogram.header, keepingBytes: nil)
                histogramFile = handle
            }
            try Self.write(imageHistograms.map { $0.csvLine + "\n" }.joined(), to: handle, path: histogramsURL.path)
        }
        let statusRow = ResultRow(
            index: index, imageID: imageID, label: label, method: ResultRow.imageMethod,
            metric: ResultRow.statusMetric, value: status.rawValue)
        let block = (imageRows + [statusRow]).map { $0.csvLine + "\n" }.joined()
        try Self.write(block, to: perImage, path: url.appendingPathComponent(Self.perImageName).path)
        rows.append(contentsOf: imageRows)
        rows.append(statusRow)
        histograms.append(contentsOf: imageHistograms)
        completed.insert(index)
    }

    /// Records a failed sample in `skipped.csv`, then closes its block in `per_image.csv` as skipped.
    public func appendSkipped(index: Int, imageID: String, path: String, reason: String) throws(ReportError) {
        let line = CSVLine.encode([String(index), imageID, path, reason]) + "\n"
        try Self.write(line, to: skipped, path: url.appendingPathComponent(Self.skippedName).path)
        try append([], index: index, imageID: imageID, label: "", status: .skipped)
    }

    /// Records a problem with one image that does not stop it from being evaluated (a method that failed on
    /// it) in `skipped.csv`; the image's block is closed later by ``append(_:index:imageID:label:status:)``.
    public func recordFailure(index: Int, imageID: String, path: String, reason: String) throws(ReportError) {
        let line = CSVLine.encode([String(index), imageID, path, reason]) + "\n"
        try Self.write(line, to: skipped, path: url.appendingPathComponent(Self.skippedName).path)
    }

    /// Writes `manifest.json` (replacing it atomically).
    public func writeManifest(_ data: Data) throws(ReportError) {
        let manifestURL = url.appendingPathComponent(Self.manifestName)
        do {
            try data.write(to: manifestURL, options: .atomic)
        } catch {
            throw .io(path: manifestURL.path, reason: error.localizedDescription)
        }
    }

    /// The contents of `manifest.json`, or nil when there is none yet.
    public func readManifest() throws(ReportError) -> Data? {
        let manifestURL = url.appendingPathComponent(Self.manifestName)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else { return nil }
        do {
            return try Data(contentsOf: manifestURL)
        } catch {
            throw .io(path: manifestURL.path, reason: error.localizedDescription)
        }
    }

    // MARK: - Files

    /// The rows of every complete block and the byte length they occupy (header included); nil bytes when
    /// the file does not exist.
    static func readCompleteBlocks(_ url: URL) throws(ReportError) -> ([ResultRow], Int?) {
        guard FileManager.default.fileExists(atPath: url.path) else { return ([], nil) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
        var rows: [ResultRow] = []
        var kept: [ResultRow] = []
        var keptBytes = 0
        var offset = 0
        var lineNumber = 0
        let bytes = [UInt8](data)
        while offset < bytes.count {
            guard let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            lineNumber += 1
            let line = String(decoding: bytes[offset..<newline], as: UTF8.self)
            offset = newline + 1
            if lineNumber == 1 {
                guard line == ResultRow.header else {
                    throw .malformed(path: url.path, line: 1, reason: "not a per_image.csv header")
                }
                keptBytes = offset
                continue
            }
            guard let row = ResultRow(csvLine: Substring(line)) else {
                // A torn write can only be the last block; anything after a bad line is discarded with it.
                break
            }
            rows.append(row)
            if row.method == ResultRow.imageMethod && row.metric == ResultRow.statusMetric {
                kept.append(contentsOf: rows)
                rows.removeAll()
                keptBytes = offset
            }
        }
        return (kept, keptBytes == 0 ? nil : keptBytes)
    }

    /// The data lines of `skipped.csv` whose index is in `completed` (an entry written just before a kill
    /// belongs to an image that will be redone), each distinct line once.
    static func readSkipped(_ url: URL, keeping completed: Set<Int>) throws(ReportError) -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
        var seen = Set<Substring>()
        var lines: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            guard let fields = CSVLine.decode(line), let index = Int(fields.first ?? ""),
                completed.contains(index), seen.insert(line).inserted
            else { continue }
            lines.append(String(line))
        }
        return lines
    }

    /// The histograms in `url` whose image is in `completed`, the first of each (index, method, metric).
    static func readHistograms(_ url: URL, keeping completed: Set<Int>) throws(ReportError) -> [SweepHistogram] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == SweepHistogram.header else {
            throw .malformed(path: url.path, line: 1, reason: "not a \(histogramsName) header")
        }
        lines.removeFirst()
        var seen = Set<String>()
        var kept: [SweepHistogram] = []
        for line in lines where !line.isEmpty {
            // A line torn by a kill belongs to an image that is not complete; it is dropped with the image.
            guard let histogram = SweepHistogram(csvLine: line), completed.contains(histogram.index),
                seen.insert("\(histogram.index)|\(histogram.method)|\(histogram.metric)").inserted
            else { continue }
            kept.append(histogram)
        }
        return kept
    }

    static func openForAppend(_ url: URL, header: String, keepingBytes: Int?) throws(ReportError) -> FileHandle {
        let manager = FileManager.default
        if !manager.fileExists(atPath: url.path) || keepingBytes == nil {
            guard manager.createFile(atPath: url.path, contents: Data((header + "\n").utf8)) else {
                throw .io(path: url.path, reason: "cannot create the file")
            }
        }
        do {
            let handle = try FileHandle(forUpdating: url)
            if let keepingBytes {
                try handle.truncate(atOffset: UInt64(keepingBytes))
            }
            try handle.seekToEnd()
            return handle
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }

    static func rewrite(_ handle: FileHandle, lines: [String], path: String) throws(ReportError) {
        do {
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
            try handle.synchronize()
        } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
    }

    static func write(_ text: String, to handle: FileHandle, path: String) throws(ReportError) {
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
    }
}
