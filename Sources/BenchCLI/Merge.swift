import ArgumentParser
import Foundation
import Reports

/// `bench merge`: combines the shards of a split run into one run folder with its tables.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the shards of a split run (--shard i/n) into one run folder and its tables.",
        discussion: """
            Refuses folders that are not the shards of one run: every shard's manifest must name the same tool \
            version, dataset, root, split, model sha256 and architecture, preprocessing, protocol and its \
            settings, methods with their options and map folders, and limit; the shards must be i/n with one n, \
            each index once, all n present, and each finished. The error names the shard and the setting. Reads every complete image block of each shard's \
            per_image.csv (an incomplete last block of a killed shard is ignored), checks that an image evaluated \
            by two shards has identical rows, and \
            writes per_image.csv, skipped.csv, sweep_histograms.csv (wsoleval), manifest.json (the first \
            shard's, with the shard list), the tables, the shards' gallery pictures and report.html into --out. The tables equal those of one unsplit run: rows are ordered by dataset index and \
            the bootstrap is seeded per method and metric. Example, a Slurm job array of 8 tasks:

              #SBATCH --array=0-7
              bench --dataset voc --root $VOC --methods all --shard $SLURM_ARRAY_TASK_ID/8 --out runs/voc-$SLURM_ARRAY_TASK_ID
              # then, once all tasks are done:
              bench merge runs/voc-{0..7} --out runs/voc
            """)

    @Argument(help: "The shard run folders.")
    var shards: [String]

    @Option(help: "The merged run folder to write (must not hold another run).")
    var out: String

    @Option(
        help: ArgumentHelp(
            "Images report.html's gallery shows with every method, among the shards' pictures (N or none).",
            discussion: "Default: the shards' own --gallery, as the first shard's manifest records it."))
    var gallery: GalleryOption?

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("Give at least one shard folder.") }
        for shard in shards where !FileManager.default.fileExists(atPath: shard + "/" + RunDirectory.perImageName) {
            throw ValidationError("\(shard): no \(RunDirectory.perImageName); is this a run folder?")
        }
    }

    func run() throws {
        let folders = shards.map { URL(fileURLWithPath: $0) }
        let outURL = URL(fileURLWithPath: out)
        if FileManager.default.fileExists(atPath: outURL.appendingPathComponent(RunDirectory.perImageName).path) {
            throw ValidationError("\(out) already holds a run; choose an empty folder.")
        }
        let manifests = try ShardSet.check(shards)
        let rows = try RunMerge.rows(of: folders)
        let merged = try RunDirectory(outURL)
        // Every line of the shards' skipped.csv, by image: a skipped sample's reason and the methods that failed
        // on an evaluated image, written again in dataset order beside their blocks, as one run writes them.
        var problems: [Int: [SkippedSample]] = [:]
        for sample in folders.flatMap({ SkippedSample.read(folder: $0) }) {
            problems[sample.index, default: []].append(sample)
        }
        // The shards' histogram lines go first, in batches, as a run writes an image's lines before its block.
        var batch: [SweepHistogram] = []
        try RunMerge.forEachHistogram(of: folders) { histogram throws(ReportError) in
            batch.append(histogram)
            if batch.count == 1000 {
                try merged.appendHistogramsBeforeBlocks(batch)
                batch.removeAll()
            }
        }
        try merged.appendHistogramsBeforeBlocks(batch)
        var block: [ResultRow] = []
        for row in rows {
            guard row.method == ResultRow.imageMethod && row.metric == ResultRow.statusMetric else {
                block.append(row)
                continue
            }
            let status = ImageStatus(rawValue: row.value) ?? .evaluated
            var lines = problems[row.index] ?? []
            let reason = status == .skipped ? lines.popLast() : nil
            for line in lines {
                try merged.recordFailure(index: line.index, imageID: line.imageID, path: line.path, reason: line.reason)
            }
            if let reason {
                try merged.appendSkipped(
                    index: row.index, imageID: reason.imageID, path: reason.path, reason: reason.reason)
            } else {
                try merged.append(block, index: row.index, imageID: row.imageID, label: row.label, status: status)
            }
            block.removeAll()
        }
        var object = manifests[0]
        object["merged_from"] = shards
        object["images"] = manifests.reduce(0) { $0 + ($1["images"] as? Int ?? 0) }
        object.removeValue(forKey: "shard")
        object.removeValue(forKey: "finished")
        object.removeValue(forKey: "stopped")
        let manifest = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try merged.writeManifest(manifest)
        // Reopening counts the histograms of the now complete images.
        let tables = try RunReport.write(
            rows: merged.rows, histograms: try RunDirectory(outURL).histograms, manifest: manifest, to: outURL)
        try GalleryIndex.merge(shards: folders, into: outURL)
        try RunReport.writePage(
            tables: tables, rows: merged.rows, manifest: manifest, folder: outURL,
            galleryCount: gallery?.count ?? RunReport.galleryCount(manifest: manifest))
        print(
            "merged \(shards.count) shards: \(tables.imageCounts.evaluated) evaluated, "
                + "\(tables.imageCounts.filtered) excluded, \(tables.imageCounts.skipped) skipped -> \(out)")
    }
}
