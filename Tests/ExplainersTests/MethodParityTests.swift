import Foundation
import Tensor
import Testing
import ViT

@testable import Explainers

@Suite("Attention, gradient and LRP methods against the PyTorch goldens")
struct MethodParityTests {
    @Test("the fixture loads and covers every method of this suite")
    func fixtureLoads() throws {
        let fixture = try MethodFixture()
        #expect(fixture.manifest.cases.count == 5)
        let ids = fixture.manifest.cases.flatMap { Array($0.methods.keys) }
        let covered = Set(ids.map { String($0.prefix { $0 != ":" }) })
        let expected: Set<String> = [
            "raw-attention", "rollout", "gradcam", "lrp", "partial-lrp", "transformer-attribution", "gae", "agc",
            "gxa", "gxa-signed", "tam", "bt-h", "bt-c",
        ]
        #expect(covered == expected)
    }

    /// Every method's raw grid within `1e-4 · max |golden|` (``expectGrid``), except `gxa`, compared in its log
    /// domain: `log|map|` within `1e-4 · max |log|golden||`, and equal signs. The gxa goldens are the float64
    /// computation (see `tools/make_method_fixtures.py`); their grid is the product scaled to a largest magnitude
    /// of 1.
    @Test("each method's raw grid matches the golden", arguments: MethodFixture.cases)
    func matchesGolden(testCase: MethodFixture.Manifest.Case) throws {
        let fixture = try MethodFixture()
        let context = try fixture.context(testCase)
        var worst: (Float, String) = (0, "")
        for (id, stem) in testCase.methods.sorted(by: { $0.key < $1.key }) {
            let method = try MethodRegistry.builtIn.method(id)
            #expect(method.id == id)
            let grid = try method.explain(context).grid
            let golden = try fixture.array(stem)
            let label = "\(testCase.testDescription) \(id)"
            let ratio: Float
            if id == "gxa" {
                // gxa is a product computed in the log domain: compare there. `s_l / max + ε` amplifies float32
                // rounding by up to 1 / ε (~1.2e-4 per block for ε = 1e-3), so the product itself is only
                // determined to a few 1e-4 of its maximum, while log|map| (every factor in [ε, 1 + ε]) is well
                // determined relative to its range. (gxa-signed's factors can come arbitrarily close to 0, where
                // the log is ill-conditioned but the value tiny: it is compared by value, below.)
                #expect(grid.storage.map { $0.sign } == golden.storage.map { $0.sign }, "\(label): signs")
                ratio = expectGrid(logMagnitude(grid), logMagnitude(golden), label + " (log|map|)")
            } else {
                ratio = expectGrid(grid, golden, label)
            }
            if ratio > worst.0 { worst = (ratio, id) }
        }
        print("\(testCase.testDescription): worst \(worst.1) \(worst.0)")
    }
}

/// `log|x|` entrywise (`-inf` for 0 is replaced by the smallest finite log of the map, so an exact zero in both
/// compares equal and a zero in one only is a large difference).
private func logMagnitude(_ tensor: Tensor) -> Tensor {
    let logs = tensor.storage.map { $0 == 0 ? -Float.infinity : Float(log(Double(abs($0)))) }
    let floor = (logs.filter(\.isFinite).min() ?? 0) - 100
    return Tensor(shape: tensor.shape, storage: logs.map { $0.isFinite ? $0 : floor })
}
