import Foundation
import Testing

@testable import Tensor

/// The non-matrix kernels against double-precision evaluations of their PyTorch definitions, at widths that
/// exercise both the 8-lane body and the tail.
struct KernelTests {
    /// Seeded values uniform in `range`.
    static func values(_ count: Int, in range: ClosedRange<Float>, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + (range.upperBound - range.lowerBound) * Float(state >> 40) / Float(1 << 24)
        }
    }

    @Test func expIsWithinTwoUlpOfLibm() {
        let inputs = Self.values(10_000, in: -87...88, seed: 1) + [0, -1, 1, -80, 80]
        for x in inputs {
            let exact = Foundation.exp(Double(x))
            let relative = abs(Double(Tensor.Kernels.exp(x)) - exact) / exact
            #expect(relative <= 2.5e-7, "exp(\(x))")
        }
    }

    @Test func erfIsWithinHalfAMicroOfTheExactValue() {
        for x in Self.values(20_000, in: -6...6, seed: 2) + [0, 4, -4, 10, -10] {
            #expect(abs(Double(Tensor.Kernels.erf(x)) - Foundation.erf(Double(x))) <= 5e-7, "erf(\(x))")
        }
    }

    @Test(arguments: [1, 7, 8, 13, 48, 197])
    func layerNormMatchesItsDefinition(width: Int) {
        let rows = 3
        let input = Tensor(shape: [rows, width], storage: Self.values(rows * width, in: -3...3, seed: 3))
        let weight = Tensor(shape: [width], storage: Self.values(width, in: 0.5...1.5, seed: 4))
        let bias = Tensor(shape: [width], storage: Self.values(width, in: -1...1, seed: 5))
        let output = input.layerNorm(weight: weight, bias: bias, epsilon: 1e-6)
        for row in 0..<rows {
            let slice = (0..<width).map { Double(input[row, $0]) }
            let mean = slice.reduce(0, +) / Double(width)
            let variance = slice.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            for column in 0..<width {
                let expected =
                    (slice[column] - mean) / (variance + 1e-6).squareRoot() * Double(weight[column])
                    + Double(bias[column])
                #expect(abs(Double(output[row, column]) - expected) <= 1e-5 * max(1, abs(expected)))
            }
        }
    }

    /// Backward kernels against central differences of a double-precision forward along a random direction.
    @Test(arguments: [5, 8, 48, 197])
    func layerNormBackwardMatchesFiniteDifferences(width: Int) {
        let input = Tensor(shape: [1, width], storage: Self.values(width, in: -2...2, seed: 6))
        let weight = Tensor(shape: [width], storage: Self.values(width, in: 0.5...1.5, seed: 7))
        let gradient = Tensor(shape: [1, width], storage: Self.values(width, in: -1...1, seed: 8))
        let inputGradient = input.layerNormBackward(weight: weight, epsilon: 1e-5, gradient: gradient)
        func objective(_ x: [Double]) -> Double {
            let mean = x.reduce(0, +) / Double(width)
            let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            return (0..<width).map { (x[$0] - mean) / (variance + 1e-5).squareRoot() * Double(weight[$0]) }
                .enumerated().map { $1 * Double(gradient.storage[$0]) }.reduce(0, +)
        }
        let base = input.storage.map(Double.init)
        for column in [0, width / 2, width - 1] {
            var plus = base
            var minus = base
            plus[column] += 1e-5
            minus[column] -= 1e-5
            let expected = (objective(plus) - objective(minus)) / 2e-5
            #expect(abs(Double(inputGradient.storage[column]) - expected) <= 1e-4 * max(1, abs(expected)))
        }
    }

    @Test func geluAndItsGradientMatchTheErfDefinition() {
        let input = Tensor(shape: [1001], storage: Self.values(1001, in: -8...8, seed: 9))
        let output = input.gelu()
        let gradient = input.geluBackward(gradient: Tensor(shape: [1001], repeating: 1))
        for (index, value) in input.storage.enumerated() {
            let x = Double(value)
            let cumulative = 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot()))
            #expect(abs(Double(output.storage[index]) - x * cumulative) <= 2e-6)
            let derivative = cumulative + x * Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            #expect(abs(Double(gradient.storage[index]) - derivative) <= 2e-6)
        }
    }

    @Test(arguments: [1, 3, 8, 17, 197])
    func softmaxAndItsGradientMatchTheirDefinitions(width: Int) {
        let rows = 4
        let scores = Tensor(shape: [rows, width], storage: Self.values(rows * width, in: -20...20, seed: 10))
        let upstream = Tensor(shape: [rows, width], storage: Self.values(rows * width, in: -1...1, seed: 11))
        let probabilities = scores.softmax()
        let scoresGradient = probabilities.softmaxBackward(gradient: upstream)
        for row in 0..<rows {
            let slice = (0..<width).map { Double(scores[row, $0]) }
            let largest = slice.max() ?? 0
            let exponentials = slice.map { Foundation.exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            let expected = exponentials.map { $0 / total }
            let dot = (0..<width).map { expected[$0] * Double(upstream[row, $0]) }.reduce(0, +)
            for column in 0..<width {
                #expect(abs(Double(probabilities[row, column]) - expected[column]) <= 1e-6)
                let gradient = expected[column] * (Double(upstream[row, column]) - dot)
                #expect(abs(Double(scoresGradient[row, column]) - gradient) <= 1e-6)
            }
        }
    }

    @Test func reductionsFoldTheRightAxis() {
        let tensor = Tensor(shape: [2, 3, 2], storage: (0..<12).map(Float.init))
        #expect(tensor.sum() == 66)
        #expect(tensor.sum(axis: 1) == Tensor(shape: [2, 2], storage: [6, 9, 24, 27]))
        #expect(tensor.mean(axis: 2) == Tensor(shape: [2, 3], storage: [0.5, 2.5, 4.5, 6.5, 8.5, 10.5]))
        #expect(tensor.maximum(axis: 0) == Tensor(shape: [3, 2], storage: [6, 7, 8, 9, 10, 11]))
        #expect(Tensor(shape: [2, 3], storage: [1, 5, 5, 9, 2, 3]).argmaxLastAxis() == [1, 0])
    }
}
