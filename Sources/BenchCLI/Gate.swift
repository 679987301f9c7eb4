import ArgumentParser
import Explainers
import Foundation
import Reports

/// `bench gate`: fails (exit 1) when a run is worse than a stored baseline beyond tolerance, and refuses
/// (exit 3) a comparison it cannot make.
struct Gate: ParsableCommand {
    /// The exit status when the runs cannot be compared (see the discussion).
    static let refusedExitCode: Int32 = 3

    static let configuration = CommandConfiguration(
        abstract: "Compare a run with a stored baseline; exit 1 if a metric of a method got worse beyond tolerance.",
        discussion: """
            Pairs the two runs image by image (by image id) for every method and metric of the baseline, and \
            resamples the per-image change with a paired bootstrap (2000 resamples, seeded). A metric regresses \
            when it got worse by more than the tolerance with 95 % confidence (the 5th percentile of the \
            bootstrap worsening is above the tolerance). Whether higher or lower is better comes from the \
            metric's definition (lower for auc-deletion-morf, auc-insertion-lerf, map-constant, map-nonfinite \
            and method-failed; higher for the rest); a metric without one is refused. The failure counts \
            (map-constant, map-nonfinite, method-failed) are compared without the bootstrap: any rise of their \
            share on the paired images beyond their tolerance, 0 unless given, fails. Dataset-level ratios \
            (x.numerator / x.denominator rows) are compared as ratios. A method or metric missing from the run \
            is a failure. A method whose per-image values move with the thread count or CPU kernel (`bench \
            methods` says so on its `numbers:` line: gxa, gxa-signed) gets at least that spread as its \
            tolerance, so a baseline made on another machine does not fail for rounding alone.

            The runs must be of one protocol (its settings included), dataset and split, as their manifests \
            say; otherwise the comparison is refused. The runs must hold the same images (a skipped image \
            pairs with nothing): none in common is refused, and some in one run only is refused \
            unless --allow-partial, which compares the shared ones and says how many. A run folder with a \
            damaged image block (a row deleted or altered inside per_image.csv) is refused.

            Prints what failed (regressions and missing pairs; every pair with --verbose), then one verdict \
            line: gate: pass (...) or gate: FAIL (...).

            Exit status: 0 pass, 1 regression (or a missing method or metric), 3 the runs cannot be compared \
            (no shared images, partial overlap without --allow-partial, a damaged or unreadable run folder, a \
            metric of unknown direction, runs of different protocols, datasets or splits), 64 usage error (also \
            a folder without per_image.csv).
            Example CI step: bench --methods all --out runs/ci && bench gate --baseline results/demo --run runs/ci
            """)

    @Option(help: "The baseline run folder (e.g. a committed results/ folder).")
    var baseline: String

    @Option(name: .customLong("run"), help: "The run folder to check.")
    var candidate: String

    @Option(
        name: .customLong("tolerance"),
        help: "METRIC=ABS for one metric, or ABS for every other metric (default 0.01); repeatable.")
    var tolerances: [String] = []

    @Flag(help: "Compare the images both runs hold when some are in one run only (else refused, exit 3).")
    var allowPartial = false

    @Flag(help: "Print every method x metric pair, not only the failing ones.")
    var verbose = false

    func validate() throws {
        for folder in [baseline, candidate] where !FileManager.default.fileExists(atPath: folder + "/per_image.csv") {
            throw ValidationError("\(folder): no per_image.csv; is this a run folder?")
        }
        _ = try Self.parseTolerances(tolerances)
    }

    /// The tolerance floor of every built-in method whose per-image values move with the thread count or CPU
    /// beyond 1e-6: its declared spread (``Reproducibility``).
    static func methodFloors(_ registry: MethodRegistry = .builtIn) -> [String: Double] {
        var floors: [String: Double] = [:]
        for descriptor in registry.descriptors where descriptor.reproducibility != .exact {
            floors[descriptor.id] = descriptor.reproducibility.bound
        }
        return floors
    }

    /// `--tolerance` values: `METRIC=ABS` for one metric, `ABS` for every other (default 0.01).
    static func parseTolerances(_ tolerances: [String]) throws -> (default: Double, perMetric: [String: Double]) {
        var defaultTolerance = 0.01
        var perMetric: [String: Double] = [:]
        for item in tolerances {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard let value = Double(parts.last ?? ""), value >= 0, value.isFinite else {
                throw ValidationError("--tolerance \(item): expected METRIC=ABS or ABS with ABS >= 0.")
            }
            if parts.count == 2 { perMetric[parts[0]] = value } else { defaultTolerance = value }
        }
        return (defaultTolerance, perMetric)
    }

    func run() throws {
        let (defaultTolerance, perMetric) = try Self.parseTolerances(tolerances)
        let gate = RegressionGate(
            tolerances: perMetric, defaultTolerance: defaultTolerance, methodFloors: Self.methodFloors(),
            allowPartial: allowPartial)
        let comparison: RegressionGate.Comparison
        do {
            try Self.refuseIncomparable(baseline: baseline, run: candidate, command: "gate")
            comparison = try gate.compare(
                baseline: try RunMerge.rows(of: [URL(fileURLWithPath: baseline)]),
                run: try RunMerge.rows(of: [URL(fileURLWithPath: candidate)]))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("gate: cannot compare: \(error)\n".utf8))
            throw ExitCode(Self.refusedExitCode)
        }
        print(Self.report(comparison, verbose: verbose).joined(separator: "\n"))
        if !comparison.passed { throw ExitCode(1) }
    }

    /// Exits with ``refusedExitCode`` and one line on stderr (`<command>: cannot compare: ...`) when the two
    /// folders' manifests differ in one of ``comparedSettings``.
    static func refuseIncomparable(baseline: String, run: String, command: String) throws {
        guard let difference = try comparabilityDifference(baseline: baseline, run: run) else { return }
        FileHandle.standardError.write(
            Data(
                ("\(command): cannot compare: the runs differ in \(difference.setting) (baseline \(difference.old), "
                    + "run \(difference.new))\n").utf8))
        throw ExitCode(refusedExitCode)
    }

    /// The manifest settings that must agree for two runs' per-image values to be comparable.
    static let comparedSettings = ["protocol", "protocol_settings", "dataset", "split"]

    /// The first of ``comparedSettings`` in which the two folders' manifests differ; nil when they agree or a
    /// folder has no manifest (a hand-made baseline).
    static func comparabilityDifference(baseline: String, run: String) throws -> RunManifest.Difference? {
        func manifest(_ folder: String) -> [String: Any]? {
            guard let data = FileManager.default.contents(atPath: folder + "/" + RunDirectory.manifestName) else {
                return nil
            }
            return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        guard let old = manifest(baseline), let new = manifest(run) else { return nil }
        return RunManifest.differences(old, new, keys: comparedSettings).first
    }

    /// The printed lines: the failing pairs (every pair when `verbose`) as a table, the paired image count of
    /// a partial comparison, and the verdict line.
    static func report(_ comparison: RegressionGate.Comparison, verbose: Bool) -> [String] {
        let shown = verbose ? comparison.findings : comparison.failures
        var lines: [String] = []
        if !shown.isEmpty {
            lines.append(
                "method | metric | better | baseline | run | worse by (95% lower bound) | tolerance | images | verdict")
            for finding in shown {
                let verdict = finding.missing ? "MISSING" : finding.isRegression ? "REGRESSION" : "ok"
                lines.append(
                    [
                        finding.method, finding.metric, finding.direction.rawValue, format(finding.baseline),
                        format(finding.run), format(finding.dropLowerBound), format(finding.tolerance),
                        String(finding.pairedImages), verdict,
                    ].joined(separator: " | "))
            }
        }
        let overlap = comparison.overlap
        if overlap.isPartial {
            lines.append(
                "gate: paired \(overlap.pairedImages) images (baseline has \(overlap.baselineImages), "
                    + "run has \(overlap.runImages))")
        }
        let pairs = comparison.findings.count
        let scope = "\(pairs) method x metric pairs on \(overlap.pairedImages) paired images"
        if comparison.passed {
            lines.append("gate: pass (\(scope))")
        } else {
            lines.append("gate: FAIL (\(comparison.failures.count) of \(scope) regressed or missing)")
        }
        return lines
    }

    static func format(_ value: Double) -> String {
        value.isNaN ? "n/a" : String(format: "%.4f", value)
    }
}
