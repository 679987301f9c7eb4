import Explainers
import Foundation
import Testing

/// The same numbers whatever the arithmetic's order: the real `bench` on demo images with 2 threads, with 1 thread,
/// and with the engine's GEMM column split off (`VIT_BENCH_GEMM_SPLITTING=0`, each product one OpenBLAS call on
/// OpenBLAS's own threads). Every method's per-image values must agree within its declared
/// ``Reproducibility/bound``: 1e-6 for all but the methods that declare a measured spread. The machine's
/// OpenBLAS settings (`OPENBLAS_CORETYPE`, `OPENBLAS_L2_SIZE`) are left as they are; the float64 LRP pass's
/// agreement with the official code in float64 is `CheferLRPParityTests`.
@Suite("The same per-image values on any thread count and GEMM split", .serialized)
struct ReproducibilityProcessTests {
    static let common = ["--methods", "all", "--limit", "4", "--gallery", "none", "--quiet"]

    /// `per_image.csv` of a run as `[method: [(image, metric): value]]`, seals left out.
    static func values(_ folder: URL) throws -> [String: [String: Double]] {
        let text = try String(contentsOf: folder.appendingPathComponent("per_image.csv"), encoding: .utf8)
        var values: [String: [String: Double]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 6, !fields[4].hasPrefix("seal:"), let value = Double(fields[5]) else { continue }
            values[fields[3], default: [:]]["\(fields[0]) \(fields[4])"] = value
        }
        return values
    }

    @Test("1 and 2 threads, GEMM split on and off: every method within its declared bound")
    func sameNumbers() throws {
        let base = BenchProcess.temporaryFolder("reproducibility")
        defer { try? FileManager.default.removeItem(at: base) }
        let variants: [(name: String, arguments: [String], environment: [String: String])] = [
            ("2 threads", ["--threads", "2"], [:]),
            ("1 thread", ["--threads", "1"], [:]),
            ("2 threads, GEMM split off", ["--threads", "2"], ["VIT_BENCH_GEMM_SPLITTING": "0"]),
        ]
        var runs: [[String: [String: Double]]] = []
        for (index, variant) in variants.enumerated() {
            let folder = base.appendingPathComponent("run\(index)")
            let outcome = try BenchProcess.run(
                Self.common + variant.arguments + ["--out", folder.path], environment: variant.environment)
            try #require(outcome.status == 0, "\(variant.name): \(outcome.standardError)")
            runs.append(try Self.values(folder))
        }
        let reference = runs[0]
        let registry = MethodRegistry.builtIn
        #expect(Set(reference.keys).isSuperset(of: registry.descriptors.map(\.id)))
        var report: [String] = []
        for (method, values) in reference.sorted(by: { $0.key < $1.key }) {
            let bound = registry.descriptor(method)?.reproducibility.bound ?? Reproducibility.exactBound
            for (variant, run) in zip(variants.dropFirst(), runs.dropFirst()) {
                let other = try #require(run[method], "\(variant.name): no values of \(method)")
                #expect(Set(other.keys) == Set(values.keys), "\(variant.name), \(method): different rows")
                var largest = 0.0
                for (key, value) in values {
                    guard let second = other[key] else { continue }
                    largest = max(largest, value.isNaN && second.isNaN ? 0 : abs(value - second))
                }
                #expect(largest <= bound, "\(method), \(variant.name): moved by \(largest), bound \(bound)")
                if largest > 0 { report.append("\(method) (\(variant.name)) \(largest)") }
            }
        }
        print("reproducibility: differences \(report.isEmpty ? "none" : report.joined(separator: "; "))")
    }
}
