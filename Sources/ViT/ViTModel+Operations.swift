import Tensor

extension ViTModel {
    /// `y = x · Wᵀ + b` for `rows` rows: `x` is `[rows, in]` (any shape with that many values), `weight`
    /// `[out, in]` (PyTorch `nn.Linear`), `bias` `[out]`; the result is `[rows, out]`. One GEMM; the bias is
    /// written first and the product added onto it (`beta = 1`).
    static func linear(_ input: Tensor, rows: Int, weight: Tensor, bias: Tensor?) -> Tensor {
        let outputWidth = weight.shape[0]
        let inputWidth = weight.shape[1]
        precondition(input.count == rows * inputWidth, "linear: \(input.shape) for a \(weight.shape) weight")
        return Tensor(shape: [rows, outputWidth]) { output in
            if let bias {
                bias.withPointer { bias in
                    for row in 0..<rows { (output + row * outputWidth).update(from: bias, count: outputWidth) }
                }
            }
            guard rows > 0 else { return }
            input.withPointer { input in
                weight.withPointer { weight in
                    BLAS.gemmSplittingColumns(
                        transposeB: true, m: rows, n: outputWidth, k: inputWidth, a: input, lda: inputWidth, b: weight,
                        ldb: inputWidth, beta: bias == nil ? 0 : 1, c: output, ldc: outputWidth)
                }
            }
        }
    }

    /// The input gradient of `linear`: `dx = dy · W`, `[rows, in]` from `dy` `[rows, out]` and `W` `[out, in]`
    /// (no weight gradient).
    static func linearBackward(_ outputGradient: Tensor, rows: Int, weight: Tensor) -> Tensor {
        let outputWidth = weight.shape[0]
        let inputWidth = weight.shape[1]
        precondition(outputGradient.count == rows * outputWidth, "linearBackward: \(outputGradient.shape)")
        return Tensor(shape: [rows, inputWidth]) { output in
            guard rows > 0 else { return }
            outputGradient.withPointer { gradient in
                weight.withPointer { weight in
                    BLAS.gemmSplittingColumns(
                        m: rows, n: inputWidth, k: outputWidth, a: gradient, lda: outputWidth, b: weight,
                        ldb: inputWidth, c: output, ldc: inputWidth)
                }
            }
        }
    }
}
