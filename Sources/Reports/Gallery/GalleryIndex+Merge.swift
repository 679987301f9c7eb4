import Foundation

extension GalleryIndex {
    /// Copies the pictures of the shard folders' galleries into `folder` and lists them in its index (the
    /// first shard's picture of an image and method where two shards hold one), so the merged run's report
    /// shows the gallery a single run would (``GallerySelection``).
    /// - Returns: the merged index.
    @discardableResult
    public static func merge(shards: [URL], into folder: URL) throws(ReportError) -> GalleryIndex {
        var merged = GalleryIndex(folder: folder)
        let manager = FileManager.default
        for shard in shards {
            var batch: [Entry] = []
            for entry in GalleryIndex(folder: shard).entries
            where merged.entry(index: entry.index, method: entry.method) == nil
                && !batch.contains(where: { $0.index == entry.index && $0.method == entry.method })
            {
                if !entry.file.isEmpty {
                    let source = shard.appendingPathComponent(entry.file)
                    let target = folder.appendingPathComponent(entry.file)
                    do {
                        try manager.createDirectory(
                            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                        if manager.fileExists(atPath: target.path) { try manager.removeItem(at: target) }
                        try manager.copyItem(at: source, to: target)
                    } catch {
                        throw .io(
                            path: source.path, reason: "cannot copy the gallery picture: \(error.localizedDescription)")
                    }
                }
                batch.append(entry)
            }
            if !batch.isEmpty { try merged.append(batch, folder: folder) }
        }
        return merged
    }
}
