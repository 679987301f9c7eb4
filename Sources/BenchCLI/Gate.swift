import ArgumentParser
import Foundation
import Reports

/// `bench gate`: fails (exit 1) when a run is worse than a stored baseline beyond tolerance.
struct Gate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a run with a stored baseline; exit 1 if a metric of a method dropped beyond tolerance.",
        discussion: """
            Pairs the two runs image by image (by image id) for every method and metric of the baseline, and \
            resamples the per-image drop with a paired bootstrap (2000 resamples, seeded). A metric regresses \
            when its drop exceeds the tolerance with 95 % confidence (the 5th percentile of the bootstrap drop \
            is above the tolerance). For metrics whose name contains morf, deletion or positive, lower is better \
            and the sign is flipped. Dataset-level ratios (x.numerator / x.denominator rows) are compared as \
            ratios. A method or metric missing from the run is a failure. Exit status: 0 pass, 1 regression.
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

    func validate() throws {
        for folder in [baseline, candidate] where !FileManager.default.fileExists(atPath: folder + "/per_image.csv") {
            throw ValidationError("\(folder): no per_image.csv; is this a run folder?")
        }
        _ = try parsedTolerances()
    }

    func parsedTolerances() throws -> (default: Double, perMetric: [String: Double]) {
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
        let (defaultTolerance, perMetric) = try parsedTolerances()
        let gate = RegressionGate(tolerances: perMetric, defaultTolerance: defaultTolerance)
        let findings = gate.compare(
            baseline: try RunMerge.rows(of: [URL(fileURLWithPath: baseline)]),
            run: try RunMerge.rows(of: [URL(fileURLWithPath: candidate)]))
        var lines = ["method | metric | baseline | run | drop (95% lower bound) | tolerance | images | verdict"]
        for finding in findings {
            let verdict = finding.missing ? "MISSING" : finding.isRegression ? "REGRESSION" : "ok"
            lines.append(
                [
                    finding.method, finding.metric, Self.format(finding.baseline), Self.format(finding.run),
                    Self.format(finding.dropLowerBound), Self.format(finding.tolerance),
                    String(finding.pairedImages), verdict,
                ].joined(separator: " | "))
        }
        print(lines.joined(separator: "\n"))
        let failures = findings.filter(\.isRegression)
        if failures.isEmpty {
            print("gate: pass (\(findings.count) method x metric pairs checked)")
        } else {
            print("gate: FAIL, \(failures.count) of \(findings.count) regressed or missing:")
            for failure in failures { print("  \(failure.method) \(failure.metric)") }
            throw ExitCode(1)
        }
    }

    static func format(_ value: Double) -> String {
        value.isNaN ? "n/a" : String(format: "%.4f", value)
    }
}
