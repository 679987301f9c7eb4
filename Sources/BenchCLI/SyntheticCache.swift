import ArgumentParser
import Datasets
import Foundation

/// The demo's synthetic dataset in `.cache/synthetic`: written once, reused while the generator version, seed
/// and count match.
enum SyntheticCache {
    static let path = ".cache/synthetic"
    static let seed: UInt64 = 0
    static let count = 250

    /// Generates the dataset if needed and opens its val split through the VOC adapter.
    static func openValidation(log: (String) -> Void) throws -> any Dataset {
        if !isCached(at: path, seed: seed, count: count) {
            log("writing the synthetic dataset (\(count) images, seed \(seed)) to \(path)")
            let generator = try SyntheticGenerator(seed: seed, count: count)
            try generator.write(to: path) { _, _ in }
        }
        var options = VOCDataset.Options(split: "val")
        options.classNames = SyntheticGenerator.classNames
        return try VOCDataset(root: path, options: options)
    }

    /// Whether `directory` holds a synthetic dataset written by this generator version with this seed and count.
    static func isCached(at directory: String, seed: UInt64, count: Int) -> Bool {
        guard let data = FileManager.default.contents(atPath: directory + "/synthetic.json"),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return (manifest["version"] as? Int) == SyntheticGenerator.version
            && (manifest["seed"] as? NSNumber)?.uint64Value == seed && (manifest["count"] as? Int) == count
    }
}
