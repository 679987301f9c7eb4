extension Tensor.Kernels {
    /// Softmax over each of `rows` rows of `width` values: `exp(x - max) / sum(exp(x - max))`, PyTorch's
    /// `softmax(dim=-1)` (timm's and Hugging Face's attention). `output` may alias `input`.
    @inlinable
    package static func softmaxRows(
        rows: Int, width: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        guard width > 0 else { return }
        let wide = width & ~7
        let rest = width - wide
        for row in 0..<rows {
            let source = input + row * width
            let target = output + row * width
            var largestLanes = Lanes(repeating: -.infinity)
            var column = 0
            while column < wide {
                let values = load(source + column)
                largestLanes.replace(with: values, where: values .> largestLanes)
                column += 8
            }
            var largest = largestLanes[0]
            for lane in 1..<8 { largest = Swift.max(largest, largestLanes[lane]) }
            while column < width {
                largest = Swift.max(largest, source[column])
                column += 1
            }
            let shift = Lanes(repeating: largest)
            var sumLanes = Lanes()
            column = 0
            while column < wide {
                let value = exp(load(source + column) - shift)
                sumLanes += value
                store(value, target + column)
                column += 8
            }
            if rest > 0 {
                // Padding lanes hold the row maximum; their exponentials are neither stored nor summed.
                let value = exp(loadPartial(source + column, count: rest, fill: largest) - shift)
                storePartial(value, target + column, count: rest)
                let padding = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(rest)
                sumLanes += value.replacing(with: 0, where: padding)
            }
            let scale = Lanes(repeating: 1 / sumLanes.sum())
            column = 0
            while column < wide {
                store(load(target + column) * scale, target + column)
                column += 8
            }
            while column < width {
                target[column] *= scale[0]
                column += 1
            }
        }
    }

    /// The gradient through a row softmax from its output `A` and the output gradient `dA`:
    /// `dS = A * (dA - sum(dA * A))` per row (PyTorch's `_softmax_backward_data`). `inputGradient` may alias
    /// `outputGradient`.
    @inlinable
    package static func softmaxBackwardRows(
        rows: Int, width: Int, output: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        let wide = width & ~7
        for row in 0..<rows {
            let probabilities = output + row * width
            let gradient = outputGradient + row * width
            let target = inputGradient + row * width
            var dotLanes = Lanes()
            var column = 0
            while column < wide {
                dotLanes += load(probabilities + column) * load(gradient + column)
                column += 8
            }
            var dot = dotLanes.sum()
            while column < width {
                dot += probabilities[column] * gradient[column]
                column += 1
            }
            let dotBroadcast = Lanes(repeating: dot)
            column = 0
            while column < wide {
                store(load(probabilities + column) * (load(gradient + column) - dotBroadcast), target + column)
                column += 8
            }
            while column < width {
                target[column] = probabilities[column] * (gradient[column] - dot)
                column += 1
            }
        }
    }
}

extension Tensor {
    /// Softmax over the last axis; same shape.
    public func softmax() -> Tensor {
        let width = shape.last ?? 0
        guard count > 0 else { return self }
        return Tensor(shape: shape) { output in
            withPointer { input in
                Kernels.forEachChunk(count: count / width, work: count) { rows in
                    let offset = rows.lowerBound * width
                    Kernels.softmaxRows(rows: rows.count, width: width, input: input + offset, output: output + offset)
                }
            }
        }
    }

    /// The gradient through `softmax()` given its output (this tensor) and the output gradient `gradient`.
    public func softmaxBackward(gradient: Tensor) -> Tensor {
        precondition(gradient.shape == shape, "softmaxBackward: \(gradient.shape) for \(shape)")
        let width = shape.last ?? 0
        guard count > 0 else { return gradient }
        return Tensor(shape: shape) { output in
            withPointer { probabilities in
                gradient.withPointer { gradient in
                    Kernels.forEachChunk(count: count / width, work: count) { rows in
                        let offset = rows.lowerBound * width
                        Kernels.softmaxBackwardRows(
                            rows: rows.count, width: width, output: probabilities + offset,
                            outputGradient: gradient + offset, inputGradient: output + offset)
                    }
                }
            }
        }
    }
}
