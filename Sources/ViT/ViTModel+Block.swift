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
        let scores = Tensor(shape: [batch, heads, tokens, tokens]) { output in
            query.withPointer { query in
                key.withPointer { key in
                    for matrix in 0..<(batch * heads) {
                        BLAS.gemm(
                            transposeB: true, m: tokens, n: tokens, k: headWidth, alpha: scale,
                            a: query + matrix * tokens * headWidth, lda: headWidth,
                            b: key + matrix * tokens * headWidth, ldb: headWidth, c: output + matrix * square,
                            ldc: tokens)
                    }
                }
            }
        }
        let attention = scores.softmax()
        let context = Tensor(shape: [batch, tokens, width]) { output in
            attention.withPointer { attention in
                value.withPointer { value in
                    for image in 0..<batch {
                        for head in 0..<heads {
                            let matrix = image * heads + head
                            BLAS.gemm(
                                m: tokens, n: headWidth, k: tokens, a: attention + matrix * square, lda: tokens,
                                b: value + matrix * tokens * headWidth, ldb: headWidth,
                                c: output + image * tokens * width + head * headWidth, ldc: width)
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
