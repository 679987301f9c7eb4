import ArgumentParser
import Foundation
import Reports

/// `bench report`: rebuilds a run folder's `report.html` from its files, or writes the page comparing a run
/// with a baseline.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a run's report.html from its folder, or compare a run with a baseline as a page.",
        discussion: """
            bench report RUN [--out FILE] rebuilds RUN/report.html (and metrics_heatmap.svg, \
            <metric>_distribution.svg) from the folder's files alone, with no model pass: per_image.csv, \
            manifest.json, skipped.csv and the pictures a run drew into gallery/. The page opens offline from \
            disk: one HTML file with its style, a small script and inline SVG plots, the pictures linked by \
            relative path (so --out must be inside RUN for them to show).

            bench report --compare BASELINE RUN [--out FILE] writes the regression gate's view as a page \
            (default RUN/compare.html): each method and metric's paired difference with its 95 % bootstrap \
            interval, what moved beyond tolerance highlighted, and the images whose scores moved most, side by \
            side where both folders hold their pictures. It pairs and tolerates as `bench gate` does and exits 0 \
            whatever it finds; use `bench gate` to fail a CI step.

            Exit status: 0 written; 1 a folder that cannot be read (no per_image.csv, a damaged block, an unknown \
            protocol); 3 runs that cannot be compared; 64 invalid options.
            """)

    @Option(help: "Write the page comparing this baseline run folder with RUN.")
    var compare: String?

    @Argument(help: "The run folder.")
    var runFolder: String

    @Option(help: "The page to write (default RUN/report.html, or RUN/compare.html with --compare).")
    var out: String?

    @Option(help: "Images the gallery shows with every method, among those the folder holds pictures of (N or none).")
    var gallery: GalleryOption = .standard

    @Option(
        name: .customLong("tolerance"),
        help: "With --compare: METRIC=ABS for one metric, or ABS for every other metric (default 0.01); repeatable.")
    var tolerances: [String] = []

    @Option(help: "With --compare: how many of the images whose scores moved most to show.")
    var moved: Int = 8

    func validate() throws {
        for folder in [runFolder] + (compare.map { [$0] } ?? [])
        where !FileManager.default.fileExists(atPath: folder + "/" + RunDirectory.perImageName) {
            throw ValidationError("\(folder): no \(RunDirectory.perImageName); is this a run folder?")
        }
        if moved < 0 { throw ValidationError("--moved must be 0 or more.") }
        if compare == nil && !tolerances.isEmpty { throw ValidationError("--tolerance needs --compare.") }
        _ = try Gate.parseTolerances(tolerances)
    }

    func run() throws {
        let folder = URL(fileURLWithPath: runFolder)
        guard let baseline = compare else {
            let start = Date()
            let page = try RunReport.rebuild(
                folder: folder, galleryCount: gallery.count, pageURL: out.map { URL(fileURLWithPath: $0) })
            print(String(format: "report: %@ (%.2f s)", page.path, Date().timeIntervalSince(start)))
            return
        }
        let (defaultTolerance, perMetric) = try Gate.parseTolerances(tolerances)
        let gate = RegressionGate(tolerances: perMetric, defaultTolerance: defaultTolerance, allowPartial: true)
        let pageURL = out.map { URL(fileURLWithPath: $0) } ?? folder.appendingPathComponent("compare.html")
        try Gate.refuseIncomparable(baseline: baseline, run: runFolder, command: "report")
        do {
            let page = try ComparePage.build(
                baseline: URL(fileURLWithPath: baseline), run: folder, gate: gate, movedCount: moved,
                pageFolder: pageURL.deletingLastPathComponent())
            try Data(page.html.utf8).write(to: pageURL, options: .atomic)
            print(
                "compare: \(pageURL.path) (\(page.comparison.failures.count) of \(page.comparison.findings.count) "
                    + "method x metric pairs beyond tolerance on \(page.comparison.overlap.pairedImages) paired images)"
            )
        } catch let error as GateError {
            FileHandle.standardError.write(Data("report: cannot compare: \(error)\n".utf8))
            throw ExitCode(Gate.refusedExitCode)
        }
    }
}
