import Foundation
import Reports

/// The check that folders are the shards of one run, before `bench merge` combines them.
enum ShardSet {
    /// The shards' manifests, in the order given, once every shard is known to be part `i/n` of one run.
    /// - Throws: ``RunError/shardMismatch(folder:reason:)`` naming the shard and the setting that differs, a
    ///   shard index given twice or missing, an unfinished shard, or a folder without a readable manifest.
    static func check(_ folders: [String]) throws(RunError) -> [[String: Any]] {
        var manifests: [[String: Any]] = []
        var positions: [(index: Int, count: Int)] = []
        for folder in folders {
            let path = folder + "/" + RunDirectory.manifestName
            guard let data = FileManager.default.contents(atPath: path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else {
                throw .shardMismatch(folder: folder, reason: "no readable \(RunDirectory.manifestName)")
            }
            guard let shard = object["shard"] as? String, let position = parse(shard) else {
                throw .shardMismatch(
                    folder: folder, reason: "not a shard (run with --shard i/n; its manifest has no shard)")
            }
            guard object["finished"] != nil else {
                let stopped = object["stopped"] as? [String: Any]
                let done = (stopped?["images_done"] as? Int).map { "\($0) of \(object["images"] as? Int ?? 0) images" }
                throw .shardMismatch(
                    folder: folder,
                    reason: "the shard is unfinished (\(done ?? "no finished run")); resume it with its own command "
                        + "first, so the merge equals the unsplit run")
            }
            if let first = manifests.first {
                let keys = RunManifest.identityKeys.filter { !RunManifest.shardKeys.contains($0) }
                if let difference = RunManifest.differences(first, object, keys: keys).first {
                    throw .shardMismatch(
                        folder: folder,
                        reason: "\(difference.setting) is \(difference.new), but \(difference.old) in \(folders[0])")
                }
            }
            if let earlier = positions.firstIndex(where: { $0.index == position.index }) {
                throw .shardMismatch(
                    folder: folder, reason: "shard \(shard) is also \(folders[earlier]); give each shard once")
            }
            if let count = positions.first?.count, count != position.count {
                throw .shardMismatch(
                    folder: folder, reason: "shard \(shard) is of \(position.count) shards, \(folders[0]) of \(count)")
            }
            manifests.append(object)
            positions.append(position)
        }
        if let count = positions.first?.count, positions.count != count {
            let missing = Set(0..<count).subtracting(positions.map(\.index)).sorted()
            throw .shardMismatch(
                folder: folders[0],
                reason: "shards \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) are missing")
        }
        return manifests
    }

    /// `i/n` with `0 <= i < n`.
    static func parse(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] > 0, (0..<parts[1]).contains(parts[0]) else { return nil }
        return (parts[0], parts[1])
    }
}
