import Tensor

extension ViTModel {
    /// One pre-LN block on the stream `[B, N, D]`, recording every intermediate (timm's `Block.forward` with
    /// `Attention`'s non-fused path: `q = q * scale; attn = q @ kᵀ; attn.softmax(-1); x = attn @ v`).
    func forwardBlock(_ input: Tensor, batch: Int, weights block: BlockWeights) -> BlockTrace {
        let tokens = config.tokens
        let width = config.embedDim
        let heads = config.heads
        let headWidth = config.headDim
        let rows = batch * tokens
        let epsilon = config.layerNormEpsilon

        let norm1 = input.layerNorm(weight: block.norm1Weight, bias: block.norm1Bias, epsilon: epsilon)
        let qkv = Self.linear(norm1, rows: rows, weight: block.qkvWeight, bias: block.qkvBias)
        // qkv rows are (B, N, 3, H, d); split into contiguous [B, H, N, d] tensors so each head's GEMMs read
        // dense matrices (timm's `reshape(B, N, 3, H, d).permute(2, 0, 3, 1, 4)`).
        func split(_ part: Int) -> Tensor {
            Tensor(shape: [batch, heads, tokens, headWidth]) { output in
                qkv.withPointer { source in
                    for image in 0..<batch {
                        for head in 0..<heads {
                            let target = output + (image * heads + head) * tokens * headWidth
                            let column = part * width + head * headWidth
                            for token in 0..<tokens {
                                (target + token * headWidth).update(
                                    from: source + (image * tokens + token) * 3 * width + column, count: headWidth)
                            }
                        }
                    }
                }
            }
        }
        let query = split(0)
        let key = split(1)
        let value = split(2)

        let scale = 1 / Float(headWidth).squareRoot()
        let square = tokens * tokens
        // Per head: scores, their softmax, and the head's slice of the context, fused into one loop over heads that
        // runs on OpenBLAS's threads with each 197x197x64 GEMM single-threaded (splitting one that small costs about
        // as much as computing it). Every value is computed as in the sequential loop, so the result is identical.
        var scores = Tensor(zeros: [0, heads, tokens, tokens])  // replaced below unless the batch is empty
        var attention = Tensor(zeros: [0, heads, tokens, tokens])  // replaced below unless the batch is empty
        let context = Tensor(shape: [batch, tokens, width]) { contextOutput in
            scores = Tensor(shape: [batch, heads, tokens, tokens]) { scoresOutput in
                attention = Tensor(shape: [batch, heads, tokens, tokens]) { attentionOutput in
                    query.withPointer { query in
                        key.withPointer { key in
                            value.withPointer { value in
                                Tensor.Kernels.forEachIndexWithSingleThreadedBLAS(count: batch * heads) { matrix in
                                    let image = matrix / heads
                                    let head = matrix % heads
                                    let headOffset = matrix * tokens * headWidth
                                    BLAS.gemm(
                                        transposeB: true, m: tokens, n: tokens, k: headWidth, alpha: scale,
                                        a: query + headOffset, lda: headWidth, b: key + headOffset, ldb: headWidth,
                                        c: scoresOutput + matrix * square, ldc: tokens)
                                    Tensor.Kernels.softmaxRows(
                                        rows: tokens, width: tokens, input: scoresOutput + matrix * square,
                                        output: attentionOutput + matrix * square)
                                    BLAS.gemm(
                                        m: tokens, n: headWidth, k: tokens, a: attentionOutput + matrix * square,
                                        lda: tokens, b: value + headOffset, ldb: headWidth,
                                        c: contextOutput + image * tokens * width + head * headWidth, ldc: width)
                                }
                            }
                        }
                    }
                }
            }
        }
        var afterAttention = Self.linear(context, rows: rows, weight: block.projWeight, bias: block.projBias)
        addInPlace(input, into: &afterAttention)
        afterAttention = afterAttention.reshaped([batch, tokens, width])

        let norm2 = afterAttention.layerNorm(weight: block.norm2Weight, bias: block.norm2Bias, epsilon: epsilon)
        let hiddenPreActivation = Self.linear(norm2, rows: rows, weight: block.fc1Weight, bias: block.fc1Bias)
            .reshaped([batch, tokens, config.mlpDim])
        let hidden = hiddenPreActivation.gelu()
        var output = Self.linear(hidden, rows: rows, weight: block.fc2Weight, bias: block.fc2Bias)
        addInPlace(afterAttention, into: &output)

        return BlockTrace(
            input: input, norm1: norm1, query: query, key: key, value: value, scores: scores, attention: attention,
            context: context, afterAttention: afterAttention, norm2: norm2, hiddenPreActivation: hiddenPreActivation,
            hidden: hidden, output: output.reshaped([batch, tokens, width]))
    }

    /// `target += source` over equal counts (a residual connection).
    func addInPlace(_ source: Tensor, into target: inout Tensor) {
        precondition(source.count == target.count, "addInPlace: \(source.shape) into \(target.shape)")
        let count = source.count
        guard count > 0 else { return }
        source.withPointer { source in
            target.withMutablePointer { target in Tensor.Kernels.add(count: count, source, into: target) }
        }
    }
}
