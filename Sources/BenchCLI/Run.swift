import ArgumentParser
import Datasets
import Dispatch
import Evaluation
import Explainers
import Foundation
import Harness
import Reports
import Tensor
import ViT

/// `bench` / `bench run`: evaluates explanation methods on a dataset under one protocol, resumably.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate explanation methods on a dataset (the default command; with no options, the demo).",
        discussion: """
            With no options: generates the synthetic validation set into .cache/synthetic if it is not cached, \
            evaluates every method with the bundled demo model (models/demo) under the default protocol (otsu) \
            and prints the table.

            Each image's rows are appended to <out>/per_image.csv and made durable as it finishes, so a run \
            killed at any point resumes with the same command and gives the tables of an uninterrupted run. \
            Failed samples go to skipped.csv with the file and the reason; manifest.json records versions, the \
            git commit, the model's sha256, the dataset root and counts, the protocol, threads and the OpenBLAS \
            configuration. The tables (summary.csv with 95 % bootstrap intervals, per_class.csv, curves.csv, \
            summary.md) are rewritten at the end, and `bench merge` combines --shard runs into the same tables.

            Runs feed the model the whole image squashed to its input size (crop 1), as Chefer's and AG-CAM's \
            evaluation code does, because every protocol compares the map with annotations of the whole image.
            """)

    @OptionGroup var datasetOptions: DatasetOptions
    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Comma-separated method ids with options, or all (see `bench methods`).")
    var methods: String = "all"

    @Option(name: .customLong("maps"), help: "A named set of maps from disk, NAME=DIR (repeatable).")
    var maps: [String] = []

    @Option(name: .customLong("protocol"), help: "Evaluation protocol (see `bench protocols`).")
    var protocolName: String = "otsu"

    @Option(help: "The run folder (default: runs/<dataset>-<protocol>, or runs/demo).")
    var out: String?

    @Option(help: "Evaluate only the first N images of the split.")
    var limit: Int?

    @Option(help: "Evaluate shard i of n (images whose index is i mod n), e.g. 0/8; combine with `bench merge`.")
    var shard: String?

    @Option(help: "OpenBLAS threads (default: OpenBLAS's own, all cores).")
    var threads: Int?

    @Flag(help: "Print only the final table.")
    var quiet = false

    func validate() throws {
        if (datasetOptions.dataset == nil) != (datasetOptions.root == nil) {
            throw ValidationError("Give both --dataset and --root, or neither (the synthetic demo).")
        }
        try modelOptions.validateOptions()
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive.") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive.") }
        _ = try parsedShard()
        _ = try EvaluationProtocol.named(protocolName)
        _ = try methodList()
    }

    func parsedShard() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] > 0, (0..<parts[1]).contains(parts[0]) else {
            throw ValidationError("--shard must be i/n with 0 <= i < n, e.g. 0/8.")
        }
        return (parts[0], parts[1])
    }

    func methodList() throws -> [any ExplanationMethod] {
        var list = try MethodRegistry.builtIn.methods(methods)
        for entry in maps {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--maps \(entry): expected NAME=DIR.")
            }
            list.append(ExternalMaps(directory: parts[1], name: parts[0]))
        }
        return list
    }

    func run() throws {
        if let threads { BLAS.threadCount = threads }
        let start = Date()
        let evaluation = try EvaluationProtocol.named(protocolName)
        let methods = try methodList()
        let isDemo = datasetOptions.dataset == nil
        let dataset: any Dataset
        if isDemo {
            dataset = try SyntheticCache.openValidation(log: quiet ? { _ in } : Self.log)
        } else {
            dataset = try datasetOptions.open()
        }
        let loaded = try modelOptions.load()
        var indices = Array(0..<dataset.count)
        if let limit { indices = Array(indices.prefix(limit)) }
        let shard = try parsedShard()
        if let shard { indices = indices.filter { $0 % shard.count == shard.index } }
        let outPath = out ?? (isDemo ? "runs/demo" : "runs/\(dataset.name)-\(evaluation.name)")
        let directory = try RunDirectory(URL(fileURLWithPath: outPath))
        let manifest = try RunManifest(
            dataset: dataset, datasetName: datasetOptions.dataset?.rawValue ?? "synthetic",
            datasetRoot: isDemo ? SyntheticCache.path : datasetOptions.root ?? "",
            model: loaded, evaluation: evaluation, methods: methods, indices: indices, limit: limit,
            shard: shard.map { "\($0.index)/\($0.count)" })
        if let existing = try directory.readManifest() {
            try manifest.checkResumable(existing, folder: outPath)
        }
        try directory.writeManifest(manifest.data(finished: nil))
        let run = try BenchmarkRun(
            setup: BenchmarkRun.Setup(
                dataset: dataset, model: loaded.model, preprocessing: loaded.preprocessing, methods: methods,
                evaluation: evaluation, indices: indices),
            directory: directory)
        let already = indices.filter { directory.completed.contains($0) }.count
        if !quiet {
            Self.log(
                "\(dataset.name)/\(dataset.split): \(indices.count) images (\(already) already done in \(outPath)), "
                    + "\(methods.count) methods, protocol \(evaluation.name), model \(loaded.name) "
                    + String(format: "(loaded in %.2f s)", loaded.loadSeconds))
        }
        let interrupt = InterruptFlag()
        let progress = RunProgressBar(total: indices.count - already, quiet: quiet)
        var last: BenchmarkRun.Progress?
        try run.run(
            progress: {
                last = $0
                progress.update($0)
            }, shouldStop: { interrupt.isSet })
        progress.finish()
        let tables = try RunReport.write(
            rows: directory.rows, histograms: directory.histograms, manifest: try manifest.data(finished: nil),
            to: URL(fileURLWithPath: outPath))
        let finished = RunManifest.Finished(
            seconds: Date().timeIntervalSince(start), progress: last, peakResidentMiB: ResourceUsage.peakResidentMiB())
        try directory.writeManifest(manifest.data(finished: finished))
        let markdown = try String(contentsOf: URL(fileURLWithPath: outPath + "/summary.md"), encoding: .utf8)
        print(markdown)
        if interrupt.isSet {
            Self.log("interrupted: rerun the same command to resume (\(directory.completed.count) images done)")
            throw ExitCode(130)
        }
        if !quiet {
            let rate = last.map { $0.done > 0 && $0.elapsed > 0 ? Double($0.done) / $0.elapsed : 0 } ?? 0
            let share = last.map { $0.elapsed > 0 ? $0.passSeconds / $0.elapsed * 100 : 0 } ?? 0
            Self.log(
                String(
                    format: "%d images evaluated, %d excluded, %d skipped; %.2f images/s, %.0f %% of the time in "
                        + "model passes and maps, peak RSS %.0f MiB; tables in %@",
                    tables.imageCounts.evaluated, tables.imageCounts.filtered, tables.imageCounts.skipped, rate,
                    share, ResourceUsage.peakResidentMiB(), outPath))
        }
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
