import Foundation

/// Reads the per-image rows of one or several run folders (the shards of a split run) as one run.
public enum RunMerge {
    /// The rows of every complete image block in `folders`, ordered by dataset index (seal rows left out). An
    /// image present in two folders must have identical rows (the same image evaluated twice); otherwise the
    /// runs are incompatible.
    /// - Throws: ``ReportError/damaged(path:blocks:)`` when a folder has a damaged block (``DamagedBlock``): a
    ///   merge or a gate cannot evaluate the image again, so the folder must be resumed (`bench` with its
    ///   command) or rerun first.
    public static func rows(of folders: [URL]) throws(ReportError) -> [ResultRow] {
        var blocks: [Int: [ResultRow]] = [:]
        var origin: [Int: String] = [:]
        for folder in folders {
            let url = folder.appendingPathComponent(RunDirectory.perImageName)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw .io(path: url.path, reason: "no per_image.csv here; is this a run folder?")
            }
            let reading = try RunDirectory.readCompleteBlocks(url)
            guard reading.damaged.isEmpty else { throw .damaged(path: url.path, blocks: reading.damaged) }
            let rows = reading.rows
            var byIndex: [Int: [ResultRow]] = [:]
            for row in rows { byIndex[row.index, default: []].append(row) }
            for (index, block) in byIndex {
                if let existing = blocks[index] {
                    guard Self.same(existing, block) else {
                        throw .incompatible(
                            "image \(block[0].imageID) (index \(index)) differs between \(origin[index] ?? "?") "
                                + "and \(folder.path)")
                    }
                    continue
                }
                blocks[index] = block
                origin[index] = folder.path
            }
        }
        return blocks.keys.sorted().flatMap { blocks[$0] ?? [] }
    }

    /// Calls `body` with the sweep histograms of every complete image in `folders`, folder by folder; an image
    /// in several folders counts once, from the first (``rows(of:)`` checks that its rows agree). Lines stream
    /// from the files, so memory does not grow with them.
    public static func forEachHistogram(
        of folders: [URL], _ body: (SweepHistogram) throws(ReportError) -> Void
    ) throws(ReportError) {
        var taken = Set<Int>()
        for folder in folders {
            let rows = try RunDirectory.readCompleteBlocks(
                folder.appendingPathComponent(RunDirectory.perImageName)
            ).rows
            let completed = Set(rows.filter { $0.metric == ResultRow.statusMetric }.map(\.index))
            let fresh = completed.subtracting(taken)
            try RunDirectory.forEachHistogram(
                in: folder.appendingPathComponent(RunDirectory.histogramsName), keeping: fresh
            ) { (histogram, _) throws(ReportError) in try body(histogram) }
            taken.formUnion(completed)
        }
    }

    /// The sweep histograms of `folders` (as ``forEachHistogram(of:_:)`` reads them), summed.
    public static func histograms(of folders: [URL]) throws(ReportError) -> PooledHistograms {
        var pooled = PooledHistograms()
        try forEachHistogram(of: folders) { pooled.add($0) }
        return pooled
    }

    /// Row equality that treats NaN values as equal.
    static func same(_ first: [ResultRow], _ second: [ResultRow]) -> Bool {
        guard first.count == second.count else { return false }
        return zip(first, second).allSatisfy { left, right in
            left.index == right.index && left.imageID == right.imageID && left.method == right.method
                && left.metric == right.metric && left.label == right.label
                && (left.value == right.value || (left.value.isNaN && right.value.isNaN))
        }
    }
}
