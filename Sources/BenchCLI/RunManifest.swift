import ArgumentParser
import Datasets
import Evaluation
import Explainers
import Foundation
import Harness
import Reports
import Tensor
import ViT

/// What `manifest.json` records about a run, and the check that a resumed run is the same run.
struct RunManifest {
    /// Figures known when the run ends.
    struct Finished {
        /// Whether every image of the run is done; a run stopped by a signal records its figures as `stopped`.
        var complete: Bool
        var seconds: Double
        var progress: BenchmarkRun.Progress?
        var peakResidentMiB: Double
        /// Images of the run complete in the folder, from every session.
        var imagesDone: Int
    }

    /// Written into every manifest; a folder resumes and shards merge only under the same version, since the
    /// rows' format or values may change between versions.
    static let toolVersion = "0.6.0"

    /// The manifest keys that say what a run computes: a folder resumes only when every one of them matches,
    /// and shards merge only when all but ``shardKeys`` match.
    static let identityKeys = [
        "tool", "dataset", "dataset_root", "split", "dataset_count", "model_sha256", "architecture", "preprocessing",
        "protocol", "protocol_settings", "methods", "map_folders", "limit", "shard", "images",
    ]
    /// The identity keys that differ between the shards of one run.
    static let shardKeys: Set<String> = ["images", "shard"]

    /// The settings that must match for a folder to be resumed (``identityKeys``).
    let identity: [String: Any]
    var description: [String: Any]
    let title: String
    let notes: [String]

    init(
        dataset: any Dataset, datasetName: String, datasetRoot: String, model: ModelOptions.Loaded,
        evaluation: EvaluationProtocol,
        methods: [any ExplanationMethod], indices: [Int], limit: Int?, shard: String?
    ) throws {
        let config = model.model.config
        let settings = model.preprocessing
        let digest = try FileDigest.sha256Hex(ofFile: model.weightsPath)
        identity = [
            "tool": "bench \(Self.toolVersion)", "dataset": datasetName, "split": dataset.split,
            "dataset_root": datasetRoot,
            "dataset_count": dataset.count, "model_sha256": digest, "protocol": evaluation.name,
            "methods": methods.map(\.id), "images": indices.count, "limit": limit.map { $0 as Any } ?? NSNull(),
            "shard": shard.map { $0 as Any } ?? NSNull(),
            "preprocessing": [
                "size": settings.size, "policy": settings.policy.rawValue, "crop_pct": settings.cropPct,
                "interpolation": settings.interpolation.rawValue,
                "mean": [settings.normalization.mean.x, settings.normalization.mean.y, settings.normalization.mean.z]
                    .map(Double.init),
                "std": [settings.normalization.std.x, settings.normalization.std.y, settings.normalization.std.z]
                    .map(Double.init),
            ],
            "protocol_settings": Dictionary(
                evaluation.settingLines.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }),
            // The same weights under another preset or head count are another model.
            "architecture": [
                "image_size": config.imageSize, "patch_size": config.patchSize, "embed_dim": config.embedDim,
                "depth": config.depth, "heads": config.heads, "mlp_dim": config.mlpDim, "classes": config.classes,
                "distilled": config.distilled, "layer_norm_epsilon": Double(config.layerNormEpsilon),
            ],
            // Maps read from disk are named by --maps NAME; the folder says which maps they are.
            "map_folders": Dictionary(
                methods.compactMap { ($0 as? ExternalMaps).map { ($0.id, $0.directory) } },
                uniquingKeysWith: { first, _ in first }),
        ]
        assert(Set(identity.keys) == Set(Self.identityKeys), "RunManifest: identityKeys must list every identity key")
        description = [
            "git_commit": Self.gitCommit(),
            "command": CommandLine.arguments.joined(separator: " "),
            "created": ISO8601DateFormatter().string(from: Date()),
            "model": [
                "name": model.name, "weights": model.weightsPath, "image_size": config.imageSize,
                "patch_size": config.patchSize, "embed_dim": config.embedDim, "depth": config.depth,
                "heads": config.heads, "classes": config.classes,
            ],
            "threads": BLAS.threadCount, "openblas": BLAS.configuration,
        ]
        title = "\(datasetName)/\(dataset.split) · \(model.name) · protocol \(evaluation.name)"
        notes = [
            "protocol \(evaluation.name): \(evaluation.summary)",
            "model \(model.name) (sha256 \(digest.prefix(12))), input \(settings.size)x\(settings.size) squashed",
        ]
    }

    /// The JSON for `manifest.json`.
    func data(finished: Finished?) throws -> Data {
        var object = description
        for (key, value) in identity { object[key] = value }
        object["title"] = title
        object["notes"] = notes
        if let finished {
            var figures: [String: Any] = [
                "wall_seconds": finished.seconds, "peak_rss_mib": finished.peakResidentMiB,
            ]
            if let progress = finished.progress {
                figures["images_this_session"] = progress.done
                figures["images_per_second"] = progress.elapsed > 0 ? Double(progress.done) / progress.elapsed : 0
                figures["share_in_passes"] = progress.elapsed > 0 ? progress.passSeconds / progress.elapsed : 0
            }
            figures["images_done"] = finished.imagesDone
            object[finished.complete ? "finished" : "stopped"] = figures
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// One setting that differs between two manifests, each value as canonical JSON.
    struct Difference: Equatable, CustomStringConvertible {
        var setting: String
        var old: String
        var new: String

        var description: String { "\(setting) was \(old), now \(new)" }
    }

    /// Throws ``RunError/differentRun(folder:difference:)`` when `existing` (a folder's manifest) describes a
    /// different run than this one, naming the first setting that differs.
    func checkResumable(_ existing: Data, folder: String) throws(RunError) {
        guard let object = try? JSONSerialization.jsonObject(with: existing) as? [String: Any] else {
            throw .unreadableManifest(path: folder + "/" + RunDirectory.manifestName)
        }
        if let difference = Self.differences(object, identity, keys: Self.identityKeys).first {
            throw .differentRun(folder: folder, difference: difference)
        }
    }

    /// The settings among `keys` whose values differ between `old` and `new`, compared by value: each value
    /// as canonical JSON (sorted keys), so neither dictionary order nor the process that wrote it matters. A key
    /// absent from one side reads as `null`.
    static func differences(_ old: [String: Any], _ new: [String: Any], keys: [String]) -> [Difference] {
        keys.compactMap { key in
            let before = canonicalJSON(old[key])
            let after = canonicalJSON(new[key])
            return before == after ? nil : Difference(setting: key, old: before, new: after)
        }
    }

    /// `value` as compact JSON with sorted keys (`null` when absent); numbers as JSONSerialization writes them,
    /// which is the same for a value and its parsed copy.
    static func canonicalJSON(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "null" }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: [value], options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "\(value)" }
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    /// `git rev-parse HEAD` of the source checkout this binary was built from, or "unknown".
    static func gitCommit() -> String {
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", sourceRoot.path, "rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return "unknown"
        }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }
}
