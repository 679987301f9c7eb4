import Tensor

extension ViTModel {
    /// The AG-CAM detached backward (``BackwardMode/detachedAttentionInputs``) computed on the prefix rows only:
    /// the same ``ViTGradients`` as the all-rows pass, at about 1/N of its cost.
    ///
    /// Why it is exact: with every attention's q/k/v input detached, the residual stream's gradient flows only
    /// through skip connections, LayerNorms and MLPs, which act on each token separately; the head reads only the
    /// prefix tokens (cls, and dist for distilled models), so the stream gradient is zero at every other token in
    /// every block. Hence `dctx`, `dA = dctx_h · v_hᵀ` and `dS` are zero outside the prefix rows, and the MLP, proj
    /// and LayerNorm backwards need only those `P` rows (GEMMs of `P` rows instead of `N`). The input gradient is
    /// identically zero (no gradient reaches a patch token), as PyTorch leaves it.
    ///
    /// `trace` may hold only the last `k` blocks (with the full model's final norm and logits): the result then
    /// has those blocks' gradients, since none of them depends on an earlier block's.
    func detachedBackward(_ trace: ViTTrace, classes: [Int], target: BackwardTarget) -> ViTGradients {
        let batch = trace.logits.shape[0]
        let tokens = config.tokens
        let width = config.embedDim
        let heads = config.heads
        let headWidth = config.headDim
        let hiddenWidth = config.mlpDim
        let prefix = config.prefixTokens
        let rows = batch * prefix
        let epsilon = config.layerNormEpsilon
        let square = tokens * tokens

        /// Rows `0..<prefix` of every image of a `[B, N, W]` tensor, `[B * P, W]`.
        func prefixRows(_ tensor: Tensor, width: Int) -> Tensor {
            Tensor(shape: [rows, width]) { output in
                tensor.withPointer { source in
                    for image in 0..<batch {
                        (output + image * prefix * width).update(
                            from: source + image * tokens * width, count: prefix * width)
                    }
                }
            }
        }
        /// A `[B, N, W]` tensor that is `rowsTensor` `[B * P, W]` at the prefix rows and zero elsewhere.
        func scattered(_ rowsTensor: Tensor, width: Int) -> Tensor {
            var full = Tensor(zeros: [batch, tokens, width])
            full.withMutablePointer { target in
                rowsTensor.withPointer { source in
                    for image in 0..<batch {
                        (target + image * tokens * width).update(
                            from: source + image * prefix * width, count: prefix * width)
                    }
                }
            }
            return full
        }

        let seed = logitGradient(trace.logits, classes: classes, target: target)
        var stream = prefixRows(headBackward(seed, trace: trace, batch: batch), width: width)
        var blocks: [BlockGradients] = []
        blocks.reserveCapacity(trace.blocks.count)
        // A trace of the last `k` blocks only (``lastBlockAttentionGradients(_:classes:target:)``) pairs with the
        // last `k` blocks' weights.
        for (block, blockWeights) in zip(trace.blocks, weights.blocks.suffix(trace.blocks.count)).reversed() {
            // MLP branch on the prefix rows.
            var hiddenGradient = Self.linearBackward(stream, rows: rows, weight: blockWeights.fc2Weight)
            let preActivation = prefixRows(block.hiddenPreActivation, width: hiddenWidth)
            preActivation.withPointer { preActivation in
                hiddenGradient.withMutablePointer { gradient in
                    Tensor.Kernels.geluBackward(
                        count: rows * hiddenWidth, input: preActivation, outputGradient: gradient,
                        inputGradient: gradient)
                }
            }
            let norm2Gradient = Self.linearBackward(hiddenGradient, rows: rows, weight: blockWeights.fc1Weight)
            var afterAttentionGradient = stream
            let afterAttention = prefixRows(block.afterAttention, width: width)
            afterAttention.withPointer { input in
                blockWeights.norm2Weight.withPointer { weight in
                    norm2Gradient.withPointer { outputGradient in
                        afterAttentionGradient.withMutablePointer { target in
                            Tensor.Kernels.layerNormBackward(
                                rows: rows, width: width, input: input, weight: weight, epsilon: epsilon,
                                outputGradient: outputGradient, inputGradient: target, accumulate: true)
                        }
                    }
                }
            }
            // Attention: dA and dS at the prefix rows of every head; zero elsewhere.
            let contextGradient = Self.linearBackward(
                afterAttentionGradient, rows: rows, weight: blockWeights.projWeight)
            var attentionGradient = Tensor(zeros: [batch, heads, tokens, tokens])
            var scoresGradient = Tensor(zeros: [batch, heads, tokens, tokens])
            contextGradient.withPointer { contextGradient in
                block.value.withPointer { value in
                    block.attention.withPointer { attention in
                        attentionGradient.withMutablePointer { attentionOutput in
                            scoresGradient.withMutablePointer { scoresOutput in
                                for image in 0..<batch {
                                    for head in 0..<heads {
                                        let matrix = image * heads + head
                                        // dA[rows 0..<P] = dctx_h[rows 0..<P] · v_hᵀ
                                        BLAS.gemm(
                                            transposeB: true, m: prefix, n: tokens, k: headWidth,
                                            a: contextGradient + image * prefix * width + head * headWidth,
                                            lda: width, b: value + matrix * tokens * headWidth, ldb: headWidth,
                                            c: attentionOutput + matrix * square, ldc: tokens)
                                        Tensor.Kernels.softmaxBackwardRows(
                                            rows: prefix, width: tokens, output: attention + matrix * square,
                                            outputGradient: attentionOutput + matrix * square,
                                            inputGradient: scoresOutput + matrix * square)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Detached: the stream gradient skips the attention branch's input.
            stream = afterAttentionGradient
            blocks.append(
                BlockGradients(
                    attention: attentionGradient, scores: scoresGradient,
                    blockInput: scattered(afterAttentionGradient, width: width)))
        }
        blocks.reverse()
        return ViTGradients(
            logits: seed, blocks: blocks, embeddings: scattered(stream, width: width),
            input: Tensor(zeros: trace.input.shape))
    }
}
