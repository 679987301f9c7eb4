extension Tensor.Kernels {
    /// The mean and `1 / sqrt(var + eps)` of one row of `width` floats (biased variance, two passes, as
    /// PyTorch's `layer_norm` defines it).
    @inlinable @inline(__always)
    static func moments(_ row: UnsafePointer<Float>, width: Int, epsilon: Float) -> (mean: Float, inverseStd: Float) {
        let wide = width & ~15
        var sum0 = Lanes()
        var sum1 = Lanes()
        var column = 0
        while column < wide {
            sum0 += load(row + column)
            sum1 += load(row + column + 8)
            column += 16
        }
        var total = (sum0 + sum1).sum()
        while column < width {
            total += row[column]
            column += 1
        }
        let mean = total / Float(width)
        let center = Lanes(repeating: mean)
        var square0 = Lanes()
        var square1 = Lanes()
        column = 0
        while column < wide {
            let deviation0 = load(row + column) - center
            let deviation1 = load(row + column + 8) - center
            square0 += deviation0 * deviation0
            square1 += deviation1 * deviation1
            column += 16
        }
        var squares = (square0 + square1).sum()
        while column < width {
            let deviation = row[column] - mean
            squares += deviation * deviation
            column += 1
        }
        return (mean, 1 / (squares / Float(width) + epsilon).squareRoot())
    }

    /// Layer norm over the last axis of `rows x width` values: `y = (x - mean) / sqrt(var + eps) * weight + bias`
    /// (PyTorch `nn.LayerNorm` / timm `LayerNorm`, biased variance). `output` may alias `input`.
    @inlinable
    package static func layerNorm(
        rows: Int, width: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        epsilon: Float, output: UnsafeMutablePointer<Float>
    ) {
        let wide = width & ~7
        for row in 0..<rows {
            let source = input + row * width
            let target = output + row * width
            let (mean, inverseStd) = moments(source, width: width, epsilon: epsilon)
            let center = Lanes(repeating: mean)
            let scale = Lanes(repeating: inverseStd)
            var column = 0
            while column < wide {
                let normalized = (load(source + column) - center) * scale
                store(normalized * load(weight + column) + load(bias + column), target + column)
                column += 8
            }
            while column < width {
                target[column] = (source[column] - mean) * inverseStd * weight[column] + bias[column]
                column += 1
            }
        }
    }

    /// The gradient of layer norm with respect to its input, from the forward input and the output gradient:
    /// `dx = rstd * (g - mean(g) - x̂ * mean(g * x̂))` with `g = dy * weight`, `x̂ = (x - mean) * rstd`
    /// (PyTorch's `layer_norm_backward`). Adds into `inputGradient` when `accumulate`, else overwrites it.
    @inlinable
    package static func layerNormBackward(
        rows: Int, width: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, epsilon: Float,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let wide = width & ~7
        let count = Float(width)
        for row in 0..<rows {
            let source = input + row * width
            let gradient = outputGradient + row * width
            let target = inputGradient + row * width
            let (mean, inverseStd) = moments(source, width: width, epsilon: epsilon)
            let center = Lanes(repeating: mean)
            let scale = Lanes(repeating: inverseStd)
            // Pass 1: sum(g) and sum(g * x̂).
            var gradientSum = Lanes()
            var projectionSum = Lanes()
            var column = 0
            while column < wide {
                let scaled = load(gradient + column) * load(weight + column)
                gradientSum += scaled
                projectionSum += scaled * ((load(source + column) - center) * scale)
                column += 8
            }
            var sumG = gradientSum.sum()
            var sumGX = projectionSum.sum()
            while column < width {
                let scaled = gradient[column] * weight[column]
                sumG += scaled
                sumGX += scaled * (source[column] - mean) * inverseStd
                column += 1
            }
            let meanG = sumG / count
            let meanGX = sumGX / count
            // Pass 2: dx.
            let meanGLanes = Lanes(repeating: meanG)
            let meanGXLanes = Lanes(repeating: meanGX)
            column = 0
            while column < wide {
                let normalized = (load(source + column) - center) * scale
                let scaled = load(gradient + column) * load(weight + column)
                var value = scale * (scaled - meanGLanes - normalized * meanGXLanes)
                if accumulate { value += load(target + column) }
                store(value, target + column)
                column += 8
            }
            while column < width {
                let normalized = (source[column] - mean) * inverseStd
                let value = inverseStd * (gradient[column] * weight[column] - meanG - normalized * meanGX)
                target[column] = accumulate ? target[column] + value : value
                column += 1
            }
        }
    }
}

extension Tensor {
    /// Layer norm over the last axis (width `W`): `weight` and `bias` are `[W]`; the result has this shape.
    public func layerNorm(weight: Tensor, bias: Tensor, epsilon: Float) -> Tensor {
        let width = shape.last ?? 0
        precondition(weight.count == width && bias.count == width, "layerNorm: \(shape) with \(weight.shape)")
        guard count > 0 else { return self }
        return Tensor(shape: shape) { output in
            withPointer { input in
                weight.withPointer { weight in
                    bias.withPointer { bias in
                        Kernels.forEachChunk(count: count / width, work: count) { rows in
                            let offset = rows.lowerBound * width
                            Kernels.layerNorm(
                                rows: rows.count, width: width, input: input + offset, weight: weight, bias: bias,
                                epsilon: epsilon, output: output + offset)
                        }
                    }
                }
            }
        }
    }

    /// The gradient of `layerNorm(weight:bias:epsilon:)` at this input for the output gradient `gradient`
    /// (same shape as this tensor).
    public func layerNormBackward(weight: Tensor, epsilon: Float, gradient: Tensor) -> Tensor {
        let width = shape.last ?? 0
        precondition(weight.count == width && gradient.shape == shape, "layerNormBackward: shapes")
        guard count > 0 else { return gradient }
        return Tensor(shape: shape) { output in
            withPointer { input in
                weight.withPointer { weight in
                    gradient.withPointer { gradient in
                        Kernels.forEachChunk(count: count / width, work: count) { rows in
                            let offset = rows.lowerBound * width
                            Kernels.layerNormBackward(
                                rows: rows.count, width: width, input: input + offset, weight: weight,
                                epsilon: epsilon, outputGradient: gradient + offset, inputGradient: output + offset,
                                accumulate: false)
                        }
                    }
                }
            }
        }
    }
}
