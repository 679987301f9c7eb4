import Foundation

/// A run's output folder: append-only `per_image.csv` and `skipped.csv`, plus `manifest.json`, and
/// `sweep_histograms.csv` for protocols with dataset-level sweeps (wsolevaluation's PxAP).
///
/// Each image's rows are written as one block ending in a status row (``ResultRow/statusMetric``) and made
/// durable (`fsync`) before the next image starts. A run killed at any point (Ctrl-C, SIGTERM, power loss)
/// leaves at most one incomplete block at the end of the file; ``init(_:)`` cuts it off, so the resumed run
/// redoes exactly the images that had not finished and the tables equal those of an uninterrupted run.
///
/// Damage inside the file is detected too: just before its status row each block carries a seal row
/// (``BlockSeal``: `index,image_id,label,_image,seal:fnv1a64:<16 hex digits>,<row count>`), the number of the
/// block's rows and the FNV-1a 64 checksum of their bytes and of the status line. On opening, a complete block
/// whose rows disagree with its seal (a row deleted, altered or garbled), that lacks its status row, or that
/// lacks a seal after sealed blocks, is dropped from the file and listed in ``damagedBlocks``; the blocks after
/// it are kept, and the resumed run evaluates the dropped images again (appended at the end). Folders written
/// before seals existed have no seal rows and open as before; blocks appended to them are sealed.
public final class RunDirectory {
    /// The folder.
    public let url: URL
    /// Dataset indices whose block is complete (evaluated, filtered or skipped).
    public private(set) var completed: Set<Int>
    /// The rows already in `per_image.csv` (status rows included, seal rows left out).
    public private(set) var rows: [ResultRow]
    /// The complete image blocks found damaged when the folder was opened (a row deleted or altered inside
    /// `per_image.csv`), in file order: dropped from the file, so their images are not in ``completed`` and a
    /// resumed run evaluates them again. Empty for an intact folder; a command should warn about each.
    public let damagedBlocks: [DamagedBlock]
    /// The sweep histograms of the completed images, summed per method and metric (the per-image lines stay
    /// on disk).
    public private(set) var histograms: PooledHistograms

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

    /// Opens `url` for appending, creating it and its files when new, drops an incomplete last block left by a
    /// killed run (from both files) and drops damaged blocks (listed in ``damagedBlocks``).
    /// - Parameter requireSeals: every block must carry a seal: true for a folder whose manifest says this
    ///   version of the tool wrote it, so removing a seal cannot pass a block off as one of the old format.
    public init(_ url: URL, requireSeals: Bool = false) throws(ReportError) {
        self.url = url
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .io(path: url.path, reason: "cannot create the run folder: \(error.localizedDescription)")
        }
        let perImageURL = url.appendingPathComponent(Self.perImageName)
        let skippedURL = url.appendingPathComponent(Self.skippedName)
        let reading = try Self.readCompleteBlocks(perImageURL, requireSeals: requireSeals)
        var keptBytes = reading.completeBytes
        if !reading.damaged.isEmpty {
            keptBytes = try Self.dropDamagedBlocks(perImageURL, keeping: reading)
        }
        rows = reading.rows
        damagedBlocks = reading.damaged
        completed = Set(rows.filter { $0.metric == ResultRow.statusMetric }.map(\.index))
        perImage = try Self.openForAppend(perImageURL, header: ResultRow.header, keepingBytes: keptBytes)
        let keptSkipped = try Self.readSkipped(skippedURL, keeping: completed)
        skipped = try Self.openForAppend(skippedURL, header: Self.skippedHeader, keepingBytes: nil)
        try Self.rewrite(skipped, lines: [Self.skippedHeader] + keptSkipped, path: skippedURL.path)
        histograms = PooledHistograms()
        histogramFile = try Self.keepCompleteHistograms(
            url.appendingPathComponent(Self.histogramsName), completed: completed, into: &histograms)
    }

    /// Rewrites the histograms file (if any) with the lines of `completed` images only, summing them into
    /// `histograms`, and returns it open for appending. The lines stream through a temporary file, so the
    /// memory used does not grow with the file.
    private static func keepCompleteHistograms(
        _ url: URL, completed: Set<Int>, into histograms: inout PooledHistograms
    ) throws(ReportError) -> FileHandle? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(histogramsName).partial")
        let output = try openForAppend(temporary, header: SweepHistogram.header, keepingBytes: nil)
        var pending = ""
        do {
            try forEachHistogram(in: url, keeping: completed) { (histogram, line) throws(ReportError) in
                histograms.add(histogram)
                pending += line + "\n"
                if pending.utf8.count > 1 << 20 {
                    try write(pending, to: output, path: temporary.path)
                    pending = ""
                }
            }
            try write(pending, to: output, path: temporary.path)
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        do {
            try output.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw ReportError.io(path: url.path, reason: "cannot replace it with \(temporary.lastPathComponent)")
            }
            let handle = try FileHandle(forUpdating: url)
            try handle.seekToEnd()
            return handle
        } catch let error as ReportError {
            throw error
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }

    deinit {
        try? perImage.close()
        try? skipped.close()
        try? histogramFile?.close()
    }

    /// Writes the histogram lines of images whose blocks are appended afterwards (``RunMerge`` copying shards),
    /// durably. They count, like a run's, once their image's block is complete: in ``histograms`` from the next
    /// ``init(_:)``, so a merge killed before the blocks leaves nothing counted.
    public func appendHistogramsBeforeBlocks(_ pendingHistograms: [SweepHistogram]) throws(ReportError) {
        guard !pendingHistograms.isEmpty else { return }
        precondition(
            pendingHistograms.allSatisfy { !completed.contains($0.index) }, "RunDirectory: the image is complete")
        try writeHistogramLines(pendingHistograms)
    }

    private func writeHistogramLines(_ lines: [SweepHistogram]) throws(ReportError) {
        let histogramsURL = url.appendingPathComponent(Self.histogramsName)
        let handle: FileHandle
        if let histogramFile {
            handle = histogramFile
        } else {
            handle = try Self.openForAppend(histogramsURL, header: SweepHistogram.header, keepingBytes: nil)
            histogramFile = handle
        }
        try Self.write(lines.map { $0.csvLine + "\n" }.joined(), to: handle, path: histogramsURL.path)
    }

    /// Appends one image's rows, its seal (``BlockSeal``) and its status row as one block, and makes it durable.
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
        if !imageHistograms.isEmpty { try writeHistogramLines(imageHistograms) }
        let statusRow = ResultRow(
            index: index, imageID: imageID, label: label, method: ResultRow.imageMethod,
            metric: ResultRow.statusMetric, value: status.rawValue)
        let seal = BlockSeal(rows: imageRows, status: statusRow).row(closing: statusRow)
        let block = (imageRows + [seal, statusRow]).map { $0.csvLine + "\n" }.joined()
        try Self.write(block, to: perImage, path: url.appendingPathComponent(Self.perImageName).path)
        rows.append(contentsOf: imageRows)
        rows.append(statusRow)
        for histogram in imageHistograms { histograms.add(histogram) }
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

    /// Calls `body` with each histogram in `url` whose image is in `completed` (the first of each index, method
    /// and metric) and its line, in file order. The file is memory-mapped, not read into memory.
    static func forEachHistogram(
        in url: URL, keeping completed: Set<Int>, _ body: (SweepHistogram, Substring) throws(ReportError) -> Void
    ) throws(ReportError) {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
        var seen = Set<String>()
        var lineNumber = 0
        var start = data.startIndex
        while start < data.endIndex {
            let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            let line = Substring(String(decoding: data[start..<newline], as: UTF8.self))
            start = newline < data.endIndex ? newline + 1 : newline
            lineNumber += 1
            if lineNumber == 1 {
                guard line == SweepHistogram.header else {
                    throw .malformed(path: url.path, line: 1, reason: "not a \(histogramsName) header")
                }
                continue
            }
            // A line torn by a kill belongs to an image that is not complete; it is dropped with the image.
            guard !line.isEmpty, let histogram = SweepHistogram(csvLine: line), completed.contains(histogram.index),
                seen.insert("\(histogram.index)|\(histogram.method)|\(histogram.metric)").inserted
            else { continue }
            try body(histogram, line)
        }
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
