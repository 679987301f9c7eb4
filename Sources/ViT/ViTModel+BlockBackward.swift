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
        let hiddenCount = rows * config.mlpDim
        block.hiddenPreActivation.withPointer { preActivation in
            hiddenGradient.withMutablePointer { gradient in
                Tensor.Kernels.forEachChunk(count: hiddenCount, work: hiddenCount, alignment: 8) { range in
                    Tensor.Kernels.geluBackward(
                        count: range.count, input: preActivation + range.lowerBound,
                        outputGradient: gradient + range.lowerBound, inputGradient: gradient + range.lowerBound)
                }
            }
        }
        let norm2Gradient = Self.linearBackward(hiddenGradient, rows: rows, weight: blockWeights.fc1Weight)
        var afterAttentionGradient = outputGradient.reshaped([batch, tokens, width])
        layerNormBackward(
            input: block.afterAttention, weight: blockWeights.norm2Weight, epsilon: epsilon,
            outputGradient: norm2Gradient, accumulateInto: &afterAttentionGradient)

        // Attention branch: per head `dA`, `dS` and (standard mode) `dq`, `dk`, `dv`, fused into one loop over heads
        // on OpenBLAS's threads with each small GEMM single-threaded (as in the forward); every value is computed
        // as in a sequential loop. Heads write disjoint column blocks of the `[rows, 3D]` q/k/v gradient.
        let contextGradient = Self.linearBackward(afterAttentionGradient, rows: rows, weight: blockWeights.projWeight)
        let scale = 1 / Float(headWidth).squareRoot()
        var attentionGradient = Tensor(zeros: [0, heads, tokens, tokens])  // replaced below unless the batch is empty
        var scoresGradient = Tensor(zeros: [0, heads, tokens, tokens])  // replaced below unless the batch is empty
        func attentionBackward(qkvGradient: UnsafeMutablePointer<Float>?) {
            attentionGradient = Tensor(shape: [batch, heads, tokens, tokens]) { attentionOutput in
                scoresGradient = Tensor(shape: [batch, heads, tokens, tokens]) { scoresOutput in
                    contextGradient.withPointer { contextGradient in
                        block.attention.withPointer { attention in
                            block.value.withPointer { value in
                                block.query.withPointer { query in
                                    block.key.withPointer { key in
                                        Tensor.Kernels.forEachIndexWithSingleThreadedBLAS(count: batch * heads) {
                                            matrix in
                                            let image = matrix / heads
                                            let head = matrix % heads
                                            let headOffset = matrix * tokens * headWidth
                                            let headContextGradient =
                                                contextGradient + image * tokens * width + head * headWidth
                                            // dA = dctx_h · v_hᵀ
                                            BLAS.gemm(
                                                transposeB: true, m: tokens, n: tokens, k: headWidth,
                                                a: headContextGradient, lda: width, b: value + headOffset,
                                                ldb: headWidth, c: attentionOutput + matrix * square, ldc: tokens)
                                            Tensor.Kernels.softmaxBackwardRows(
                                                rows: tokens, width: tokens, output: attention + matrix * square,
                                                outputGradient: attentionOutput + matrix * square,
                                                inputGradient: scoresOutput + matrix * square)
                                            guard let qkvGradient else { return }
                                            let rowsStart = qkvGradient + image * tokens * 3 * width + head * headWidth
                                            // dq = scale * dS · k
                                            BLAS.gemm(
                                                m: tokens, n: headWidth, k: tokens, alpha: scale,
                                                a: scoresOutput + matrix * square, lda: tokens, b: key + headOffset,
                                                ldb: headWidth, c: rowsStart, ldc: 3 * width)
                                            // dk = scale * dSᵀ · q
                                            BLAS.gemm(
                                                transposeA: true, m: tokens, n: headWidth, k: tokens, alpha: scale,
                                                a: scoresOutput + matrix * square, lda: tokens,
                                                b: query + headOffset, ldb: headWidth, c: rowsStart + width,
                                                ldc: 3 * width)
                                            // dv = Aᵀ · dctx_h
                                            BLAS.gemm(
                                                transposeA: true, m: tokens, n: headWidth, k: tokens,
                                                a: attention + matrix * square, lda: tokens, b: headContextGradient,
                                                ldb: width, c: rowsStart + 2 * width, ldc: 3 * width)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        guard mode == .standard else {
            attentionBackward(qkvGradient: nil)
            return BlockGradients(
                attention: attentionGradient, scores: scoresGradient, blockInput: afterAttentionGradient)
        }
        let qkvGradient = Tensor(shape: [rows, 3 * width]) { output in attentionBackward(qkvGradient: output) }
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
                        Tensor.Kernels.forEachChunk(count: rows, work: rows * width) { chunk in
                            let offset = chunk.lowerBound * width
                            Tensor.Kernels.layerNormBackward(
                                rows: chunk.count, width: width, input: input + offset, weight: weight,
                                epsilon: epsilon, outputGradient: outputGradient + offset,
                                inputGradient: target + offset, accumulate: true)
                        }
                    }
                }
            }
        }
    }
}
