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
            summary.md) are rewritten at the end, and `bench merge` combines --shard runs into the same tables. \
            Then the gallery's pictures (--gallery, default 8 images) are drawn into gallery/ and report.html is written: \
            the run on one page that opens offline (header, summary with intervals, plots, curves, the maps of \
            the chosen images, per-class table, skipped samples); `bench report` rebuilds it.

            Runs feed the model the whole image squashed to its input size (--policy squash, crop 1), as \
            Chefer's and AG-CAM's evaluation code does, because every protocol compares the map with annotations \
            of the whole image; `bench explain` preprocesses the same way by default, so it shows the maps a run \
            scores.

            A folder resumes only with the settings it was started with (dataset, split, root, model sha256 \
            and architecture, preprocessing, protocol and its settings, methods with options and map folders, \
            limit, shard, tool version); \
            otherwise the run is refused with the first setting that differs, old and new value. One process at \
            a time writes a folder (bench.lock holds its pid). Options refused by validation, an empty split or \
            an empty method list leave no folder behind.

            Exit status: 0 done; 1 an error (a refused resume, a folder in use, no images or methods, an I/O \
            error); 2 finished but every image was skipped (see skipped.csv); 64 invalid options; 130 \
            interrupted by SIGINT and 143 stopped by SIGTERM (both resume with the same command).
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

    @Option(
        help: ArgumentHelp(
            "The memory the run aims to stay under, in MiB (default \(PassMemory.defaultTargetMiB)).",
            discussion: "Integrated gradients, SmoothGrad and the attention integral of TAM and BT run many copies "
                + "of the image in batches; each batch gets what is left of this after the model's weights, "
                + "\(PassMemory.defaultAllowanceMiB) MiB for the process and what the image's other passes hold "
                + "at that moment (at least one image per batch, so a model too large for the target still runs). "
                + "The default keeps a ViT-B/16 run with every method near 700 MiB and lets the demo model run "
                + "all 50 integrated-gradients steps in one batch. A method's batch=N option overrides it. The "
                + "batch size moves maps only by float32 rounding (about 1e-7)."))
    var memory: Int = PassMemory.defaultTargetMiB

    @Option(
        help: ArgumentHelp(
            "Images the report's gallery shows with every method (N, or none).",
            discussion: "The chosen images (where the methods disagree most, and each method's best and worst) have "
                + "their maps kept during the run and drawn into gallery/ for report.html at the end; images "
                + "evaluated before a resume go through the model once more for it."))
    var gallery: GalleryOption = .standard

    @Flag(help: "Print only the final table.")
    var quiet = false

    func validate() throws {
        if (datasetOptions.dataset == nil) != (datasetOptions.root == nil) {
            throw ValidationError("Give both --dataset and --root, or neither (the synthetic demo).")
        }
        try modelOptions.validateOptions()
        if modelOptions.policy == .timm || (modelOptions.cropPct.map { $0 != 1 } ?? false) {
            throw ValidationError(
                "runs need --policy squash with crop 1: every protocol compares the map with annotations of the "
                    + "whole image (bench explain takes --policy timm)")
        }
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive.") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive.") }
        if memory <= 0 { throw ValidationError("--memory must be a positive number of MiB.") }
        _ = try parsedShard()
        _ = try EvaluationProtocol.named(protocolName)
        _ = try methodList()
    }

    func parsedShard() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        guard let position = ShardSet.parse(shard) else {
            throw ValidationError("--shard must be i/n with 0 <= i < n, e.g. 0/8.")
        }
        return position
    }

    /// The methods of `--methods` followed by the `--maps` sets; `--methods ""` is allowed only with `--maps`.
    func methodList() throws -> [any ExplanationMethod] {
        try MethodSelection.methods(methods, maps: maps)
    }

    func run() throws {
        if let threads { BLAS.threadCount = threads }
        let start = Date()
        let evaluation = try EvaluationProtocol.named(protocolName)
        let methods = try methodList()
        let isDemo = datasetOptions.dataset == nil
        let dataset: any Dataset
        if isDemo {
            try PixelLimitOption.apply(datasetOptions.maxImagePixels)
            dataset = try SyntheticCache.openValidation(log: quiet ? { _ in } : Self.log)
        } else {
            dataset = try datasetOptions.open()
        }
        let adapter = datasetOptions.dataset?.rawValue ?? "synthetic"
        let root = isDemo ? SyntheticCache.path : datasetOptions.root ?? ""
        let loaded = try modelOptions.load(defaultPolicy: .squash, warn: Self.log)
        let indices = try selectedIndices(dataset: dataset, adapter: adapter, root: root)
        let setup = BenchmarkRun.Setup(
            dataset: dataset, model: loaded.model, preprocessing: loaded.preprocessing, methods: methods,
            evaluation: evaluation, indices: indices)
        // Everything that can refuse the run is checked before the folder exists.
        try BenchmarkRun.check(setup)
        let outPath = out ?? (isDemo ? "runs/demo" : "runs/\(adapter)-\(evaluation.name)")
        var manifest = try RunManifest(
            dataset: dataset, datasetName: adapter, datasetRoot: root, model: loaded, evaluation: evaluation,
            methods: methods, indices: indices, limit: limit, shard: try parsedShard().map { "\($0.index)/\($0.count)" }
        )
        // Not an identity setting (the gallery changes no table): `bench report` reads it as its default.
        manifest.description[RunReport.galleryKey] = gallery.count
        let folder = URL(fileURLWithPath: outPath)
        let createdFolder = try Self.createFolder(folder)
        let lock: RunLock
        do {
            lock = try RunLock(folder: folder)
        } catch {
            // Only a folder this process made, and only while it is still empty: another process may be using it.
            if createdFolder { rmdir(folder.path) }
            throw error
        }
        // Checked under the lock, so no other process can start the folder in between; nothing is written yet.
        if let existing = FileManager.default.contents(atPath: outPath + "/" + RunDirectory.manifestName) {
            try manifest.checkResumable(existing, folder: outPath)
        } else if FileManager.default.fileExists(atPath: outPath + "/" + RunDirectory.perImageName) {
            throw RunError.unreadableManifest(path: outPath + "/" + RunDirectory.manifestName)
        }
        // A resumed folder passed the manifest check, so this version wrote it: every block has its seal.
        let directory = try RunDirectory(folder, requireSeals: true)
        for block in directory.damagedBlocks {
            Self.log(
                "warning: \(outPath)/\(RunDirectory.perImageName): \(block); dropped, the image is evaluated again")
        }
        try directory.writeManifest(manifest.data(finished: nil))
        let run = try BenchmarkRun(setup: setup, directory: directory, galleryCount: gallery.count)
        run.passMemory = PassMemory(targetMiB: memory)
        let already = indices.filter { directory.completed.contains($0) }.count
        if !quiet {
            Self.log(
                "\(adapter) adapter at \(root), split \(dataset.split): \(indices.count) images (\(already) already "
                    + "done in \(outPath)), \(methods.count) methods, protocol \(evaluation.name), model \(loaded.name) "
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
            to: folder)
        if interrupt.received == nil && gallery.count > 0 {
            // The gallery is for the page: a picture that cannot be drawn (a full disk, a sample gone since) is a
            // warning, and the run still finishes with its manifest and page.
            do {
                try drawGallery(run: run, interrupt: interrupt)
            } catch {
                Self.log("warning: the gallery could not be drawn: \(error); report.html shows what was drawn")
            }
        }
        let done = indices.filter { directory.completed.contains($0) }.count
        let finished = RunManifest.Finished(
            complete: done == indices.count, seconds: Date().timeIntervalSince(start), progress: last,
            peakResidentMiB: ResourceUsage.peakResidentMiB(), imagesDone: done)
        let finishedManifest = try manifest.data(finished: finished)
        try directory.writeManifest(finishedManifest)
        try RunReport.writePage(
            tables: tables, rows: directory.rows, manifest: finishedManifest, folder: folder,
            galleryCount: gallery.count)
        let markdown = try String(contentsOf: folder.appendingPathComponent("summary.md"), encoding: .utf8)
        print(markdown)
        withExtendedLifetime(lock) {}
        if let signal = interrupt.received {
            Self.log("interrupted: rerun the same command to resume (\(directory.completed.count) images done)")
            throw ExitCode(signal == SIGTERM ? RunExit.terminated : RunExit.interrupted)
        }
        if !quiet {
            let rate = last.map { $0.done > 0 && $0.elapsed > 0 ? Double($0.done) / $0.elapsed : 0 } ?? 0
            let share = last.map { $0.elapsed > 0 ? $0.passSeconds / $0.elapsed * 100 : 0 } ?? 0
            Self.log(
                String(
                    format: "%d images evaluated, %d excluded, %d skipped; %.2f images/s, %.0f %% of the time in "
                        + "model passes and maps, peak RSS %.0f MiB; tables in %@, the page in %@/%@",
                    tables.imageCounts.evaluated, tables.imageCounts.filtered, tables.imageCounts.skipped, rate,
                    share, ResourceUsage.peakResidentMiB(), outPath, outPath, RunReport.pageName))
        }
        if tables.imageCounts.evaluated == 0 && tables.imageCounts.filtered == 0 && tables.imageCounts.skipped > 0 {
            Self.log(
                "every one of the \(tables.imageCounts.skipped) images was skipped; the reasons are in "
                    + "\(outPath)/\(RunDirectory.skippedName)")
            throw ExitCode(RunExit.everySampleSkipped)
        }
    }

    /// The gallery pass: the pictures of the images the report shows are drawn into `gallery/` from the maps the
    /// run kept (images evaluated before a resume go through the model once more); pictures already drawn stay.
    func drawGallery(run: BenchmarkRun, interrupt: InterruptFlag) throws {
        let selection = GallerySelection(
            rows: run.directory.rows, evaluation: run.setup.evaluation, count: gallery.count)
        let requests = selection.overlays
        guard !requests.isEmpty else { return }
        let clock = Date()
        var drawnImages = 0
        let drawn = try run.renderGallery(
            requests, progress: { done, _ in drawnImages = done }, shouldStop: { interrupt.isSet })
        if !quiet && drawn.pictures > 0 {
            Self.log(
                String(
                    format: "gallery: %d pictures of %d images (%d passed through the model again) in %.1f s, "
                        + "in gallery/ for report.html", drawn.pictures, drawnImages, drawn.passedAgain,
                    Date().timeIntervalSince(clock)))
        }
    }

    /// Creates the run folder (and its parents); true when this process made it, false when it existed.
    static func createFolder(_ folder: URL) throws -> Bool {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.createDirectory(at: folder, withIntermediateDirectories: false)
            return true
        } catch {
            var isFolder: ObjCBool = false
            if manager.fileExists(atPath: folder.path, isDirectory: &isFolder) {
                guard isFolder.boolValue else {
                    throw ReportError.io(path: folder.path, reason: "is a file, not a run folder; choose another --out")
                }
                return false
            }
            throw ReportError.io(
                path: folder.path, reason: "cannot create the run folder: \(error.localizedDescription)")
        }
    }

    /// The dataset indices of this run (after `--limit` and `--shard`); an empty selection is an error.
    func selectedIndices(dataset: any Dataset, adapter: String, root: String) throws -> [Int] {
        guard dataset.count > 0 else {
            throw RunError.nothingToEvaluate(
                reason: "split \(dataset.split) of the \(adapter) dataset at \(root) has no samples")
        }
        var indices = Array(0..<dataset.count)
        if let limit { indices = Array(indices.prefix(limit)) }
        if let shard = try parsedShard() {
            let selected = indices.count
            indices = indices.filter { $0 % shard.count == shard.index }
            guard !indices.isEmpty else {
                throw RunError.nothingToEvaluate(
                    reason: "shard \(shard.index)/\(shard.count) of \(selected) images holds none")
            }
        }
        return indices
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
