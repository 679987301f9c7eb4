import Tensor

extension ViTModel {
    /// Reverse mode through one block, from dL/d(block output) `[B, N, D]` (PyTorch autograd's formulas for
    /// `Linear`, `LayerNorm`, `GELU`, `softmax` and `matmul`, without weight gradients):
    /// MLP `dh = dy·W2`, `dpre = GELU'(pre) dh`, `dn2 = dpre·W1`, `dx1 = dy + LN2'(dn2)`; attention
    /// `dctx = dx1·Wproj`, per head `dA = dctx_h·v_hᵀ`, `dS = A (dA - rowsum(dA A))`, and in standard mode
    /// `dv = Aᵀ·dctx_h`, `dq = d^-0.5 dS·k`, `dk = d^-0.5 dSᵀ·q`, `dn1 = [dq dk dv]·Wqkv`, `dx = dx1 + LN1'(dn1)`.
    /// In detached mode q, k, v are constants, so `dx = dx1` and the q/k/v GEMMs are skipped.
    func backwardBlock(
        _ outputGradient: Tensor, trace block: BlockTrace, batch: Int, weights blockWeights: BlockWeights,
        mode: BackwardMode
    ) -> BlockGradients {
        let tokens = config.tokens
        let width = config.embedDim
        let heads = config.heads
        let headWidth = config.headDim
        let rows = batch * tokens
        let epsilon = config.layerNormEpsilon
        let square = tokens * tokens

        // MLP branch.
        var hiddenGradient = Self.linearBackward(outputGradient, rows: rows, weight: blockWeights.fc2Weight)
        block.hiddenPreActivation.withPointer { preActivation in
            hiddenGradient.withMutablePointer { gradient in
                Tensor.Kernels.geluBackward(
                    count: rows * config.mlpDim, input: preActivation, outputGradient: gradient,
                    inputGradient: gradient)
            }
        }
        let norm2Gradient = Self.linearBackward(hiddenGradient, rows: rows, weight: blockWeights.fc1Weight)
        var afterAttentionGradient = outputGradient.reshaped([batch, tokens, width])
        layerNormBackward(
            input: block.afterAttention, weight: blockWeights.norm2Weight, epsilon: epsilon,
            outputGradient: norm2Gradient, accumulateInto: &afterAttentionGradient)

        // Attention branch.
        let contextGradient = Self.linearBackward(afterAttentionGradient, rows: rows, weight: blockWeights.projWeight)
        let attentionGradient = Tensor(shape: [batch, heads, tokens, tokens]) { output in
            contextGradient.withPointer { contextGradient in
                block.value.withPointer { value in
                    for image in 0..<batch {
                        for head in 0..<heads {
                            let matrix = image * heads + head
                            BLAS.gemm(
                                transposeB: true, m: tokens, n: tokens, k: headWidth,
                                a: contextGradient + image * tokens * width + head * headWidth, lda: width,
                                b: value + matrix * tokens * headWidth, ldb: headWidth, c: output + matrix * square,
                                ldc: tokens)
                        }
                    }
                }
            }
        }
        let scoresGradient = block.attention.softmaxBackward(gradient: attentionGradient)

        guard mode == .standard else {
            return BlockGradients(
                attention: attentionGradient, scores: scoresGradient, blockInput: afterAttentionGradient)
        }
        let scale = 1 / Float(headWidth).squareRoot()
        let qkvGradient = Tensor(shape: [rows, 3 * width]) { output in
            contextGradient.withPointer { contextGradient in
                block.attention.withPointer { attention in
                    scoresGradient.withPointer { scoresGradient in
                        block.query.withPointer { query in
                            block.key.withPointer { key in
                                for image in 0..<batch {
                                    for head in 0..<heads {
                                        let matrix = image * heads + head
                                        let headOffset = matrix * tokens * headWidth
                                        let rowsStart = output + image * tokens * 3 * width + head * headWidth
                                        // dq = scale * dS · k
                                        BLAS.gemm(
                                            m: tokens, n: headWidth, k: tokens, alpha: scale,
                                            a: scoresGradient + matrix * square, lda: tokens, b: key + headOffset,
                                            ldb: headWidth, c: rowsStart, ldc: 3 * width)
                                        // dk = scale * dSᵀ · q
                                        BLAS.gemm(
                                            transposeA: true, m: tokens, n: headWidth, k: tokens, alpha: scale,
                                            a: scoresGradient + matrix * square, lda: tokens, b: query + headOffset,
                                            ldb: headWidth, c: rowsStart + width, ldc: 3 * width)
                                        // dv = Aᵀ · dctx_h
                                        BLAS.gemm(
                                            transposeA: true, m: tokens, n: headWidth, k: tokens,
                                            a: attention + matrix * square, lda: tokens,
                                            b: contextGradient + image * tokens * width + head * headWidth, ldb: width,
                                            c: rowsStart + 2 * width, ldc: 3 * width)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let norm1Gradient = Self.linearBackward(qkvGradient, rows: rows, weight: blockWeights.qkvWeight)
        var inputGradient = afterAttentionGradient
        layerNormBackward(
            input: block.input, weight: blockWeights.norm1Weight, epsilon: epsilon, outputGradient: norm1Gradient,
            accumulateInto: &inputGradient)
        return BlockGradients(attention: attentionGradient, scores: scoresGradient, blockInput: inputGradient)
    }

    /// `target += LayerNorm'(input) · outputGradient` over rows of width `D`.
    func layerNormBackward(
        input: Tensor, weight: Tensor, epsilon: Float, outputGradient: Tensor, accumulateInto target: inout Tensor
    ) {
        let width = config.embedDim
        let rows = input.count / width
        guard rows > 0 else { return }
        input.withPointer { input in
            weight.withPointer { weight in
                outputGradient.withPointer { outputGradient in
                    target.withMutablePointer { target in
                        Tensor.Kernels.layerNormBackward(
                            rows: rows, width: width, input: input, weight: weight, epsilon: epsilon,
                            outputGradient: outputGradient, inputGradient: target, accumulate: true)
                    }
                }
            }
        }
    }
}
