extension Tensor.Kernels {
    /// `1 / sqrt(2)`, the argument scale of the exact GELU.
    @usableFromInline static let inverseSquareRootTwo: Float = 0.707_106_781_186_547_5
    /// `1 / sqrt(2 pi)`, the normal density's constant.
    @usableFromInline static let inverseSquareRootTwoPi: Float = 0.398_942_280_401_432_7

    /// The exact (erf) GELU of `count` values: `y = x * 0.5 * (1 + erf(x / sqrt 2))`, PyTorch's `nn.GELU()` with
    /// `approximate='none'` (timm's and Hugging Face's `"gelu"`). `output` may alias `input`.
    @inlinable
    package static func gelu(count: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        @inline(__always) func lanes(_ x: Lanes) -> Lanes {
            x * 0.5 * (1 + erf(x * inverseSquareRootTwo))
        }
        let wide = count & ~7
        var index = 0
        while index < wide {
            store(lanes(load(input + index)), output + index)
            index += 8
        }
        if index < count {
            storePartial(lanes(loadPartial(input + index, count: count - index)), output + index, count: count - index)
        }
    }

    /// The gradient through the exact GELU: `dx = dy * (Φ(x) + x φ(x))` with `Φ(x) = 0.5 (1 + erf(x / sqrt 2))`
    /// and `φ(x) = exp(-x^2 / 2) / sqrt(2 pi)` (PyTorch's `GeluBackward`). `inputGradient` may alias
    /// `outputGradient`.
    @inlinable
    package static func geluBackward(
        count: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        @inline(__always) func lanes(_ x: Lanes, _ gradient: Lanes) -> Lanes {
            let cumulative = 0.5 * (1 + erf(x * inverseSquareRootTwo))
            let density = exp(x * x * -0.5) * inverseSquareRootTwoPi
            return gradient * (cumulative + x * density)
        }
        let wide = count & ~7
        var index = 0
        while index < wide {
            store(lanes(load(input + index), load(outputGradient + index)), inputGradient + index)
            index += 8
        }
        if index < count {
            let rest = count - index
            let value = lanes(loadPartial(input + index, count: rest), loadPartial(outputGradient + index, count: rest))
            storePartial(value, inputGradient + index, count: rest)
        }
    }
}

extension Tensor {
    /// The exact (erf) GELU of every value; same shape.
    public func gelu() -> Tensor {
        guard count > 0 else { return self }
        return Tensor(shape: shape) { output in
            withPointer { input in
                Kernels.forEachChunk(count: count, work: count, alignment: 8) { range in
                    Kernels.gelu(count: range.count, input: input + range.lowerBound, output: output + range.lowerBound)
                }
            }
        }
    }

    /// The gradient through `gelu()` at this input for the output gradient `gradient` (same shape).
    public func geluBackward(gradient: Tensor) -> Tensor {
        precondition(gradient.shape == shape, "geluBackward: \(gradient.shape) for \(shape)")
        guard count > 0 else { return gradient }
        return Tensor(shape: shape) { output in
            withPointer { input in
                gradient.withPointer { gradient in
                    Kernels.forEachChunk(count: count, work: count, alignment: 8) { range in
                        Kernels.geluBackward(
                            count: range.count, input: input + range.lowerBound,
                            outputGradient: gradient + range.lowerBound, inputGradient: output + range.lowerBound)
                    }
                }
            }
        }
    }
}
