import Tensor

extension LRPLayers {
    /// The attention core of one image, from the relevance at its output to the relevance at `qkv`'s output.
    ///
    /// Inputs: `query`, `key`, `value` `[H, N, d]`, `attention` (post-softmax `A`) `[H, N, N]`, `context`
    /// (`A·V`, heads concatenated) `[N, D]` and its relevance `relevance` `[N, D]`. Outputs: `attentionResult`
    /// `[H, N, N]` (the halved relevance at `A`) and `qkvResult` `[N, 3D]` in `qkv`'s column order (Q, K, V, each
    /// heads-major), as Chefer's `rearrange(..., 'qkv b h n d -> b n (qkv h d)')` packs it.
    ///
    /// Per head, Chefer's `einsum.relprop` (gradient × input with `S = safe_div(R, Z)`) on both products:
    /// - `O = A·V`: `R_A = A ⊙ (S Vᵀ) / 2`, `R_V = V ⊙ (Aᵀ S) / 2` with `Z` the forward's `A·V`.
    /// - `Z = q·kᵀ` (Chefer's `matmul1` is the unscaled product; the `d^-0.5` scale and the softmax pass relevance
    ///   unchanged): `R_q = q ⊙ (S k) / 2`, `R_k = k ⊙ (Sᵀ q) / 2` with `S = safe_div(R_A, q·kᵀ)`.
    package static func attention(
        heads: Int, tokens: Int, width: Int, query: UnsafePointer<Double>, key: UnsafePointer<Double>,
        value: UnsafePointer<Double>, attention: UnsafePointer<Double>, context: UnsafePointer<Double>,
        relevance: UnsafePointer<Double>, attentionResult: UnsafeMutablePointer<Double>,
        qkvResult: UnsafeMutablePointer<Double>, workspace: LRPWorkspace
    ) {
        let headWidth = width / heads
        let square = tokens * tokens
        let qkvWidth = 3 * width
        // One scratch set per head: the heads run in parallel, each on single-threaded GEMMs, and write disjoint
        // parts of the results (their `[N, N]` block, their columns of `qkvResult`).
        let allQuotients = workspace.buffer(.headQuotients, count: heads * tokens * headWidth)
        let allProducts = workspace.buffer(.headSquare, count: heads * square)
        let allColumns = workspace.buffer(.headColumns, count: heads * tokens * headWidth)
        Tensor.Kernels.forEachIndexWithSingleThreadedBLAS(count: heads) { head in
            let quotients = allQuotients + head * tokens * headWidth
            let products = allProducts + head * square
            let columns = allColumns + head * tokens * headWidth
            let headColumn = head * headWidth
            let headQuery = query + head * tokens * headWidth
            let headKey = key + head * tokens * headWidth
            let headValue = value + head * tokens * headWidth
            let headAttention = attention + head * square
            let headResult = attentionResult + head * square
            // O = A·V: S = safe_div(R_O, O) for this head's columns of the context.
            for token in 0..<tokens {
                let row = token * width + headColumn
                for column in 0..<headWidth {
                    quotients[token * headWidth + column] = safeDivide(relevance[row + column], context[row + column])
                }
            }
            // R_A = A ⊙ (S Vᵀ) / 2.
            BLAS.gemm(
                transposeB: true, m: tokens, n: tokens, k: headWidth, a: quotients, lda: headWidth, b: headValue,
                ldb: headWidth, c: products, ldc: tokens)
            for index in 0..<square { headResult[index] = headAttention[index] * products[index] * 0.5 }
            // R_V = V ⊙ (Aᵀ S) / 2.
            BLAS.gemm(
                transposeA: true, m: tokens, n: headWidth, k: tokens, a: headAttention, lda: tokens, b: quotients,
                ldb: headWidth, c: columns, ldc: headWidth)
            scatter(
                tokens: tokens, headWidth: headWidth, factors: headValue, products: columns,
                into: qkvResult + 2 * width + headColumn, stride: qkvWidth)
            // Z = q·kᵀ, S = safe_div(R_A, Z).
            BLAS.gemm(
                transposeB: true, m: tokens, n: tokens, k: headWidth, a: headQuery, lda: headWidth, b: headKey,
                ldb: headWidth, c: products, ldc: tokens)
            divideInto(count: square, numerators: headResult, denominatorsToQuotients: products)
            // R_q = q ⊙ (S k) / 2.
            BLAS.gemm(
                m: tokens, n: headWidth, k: tokens, a: products, lda: tokens, b: headKey, ldb: headWidth, c: columns,
                ldc: headWidth)
            scatter(
                tokens: tokens, headWidth: headWidth, factors: headQuery, products: columns,
                into: qkvResult + headColumn, stride: qkvWidth)
            // R_k = k ⊙ (Sᵀ q) / 2.
            BLAS.gemm(
                transposeA: true, m: tokens, n: headWidth, k: tokens, a: products, lda: tokens, b: headQuery,
                ldb: headWidth, c: columns, ldc: headWidth)
            scatter(
                tokens: tokens, headWidth: headWidth, factors: headKey, products: columns,
                into: qkvResult + width + headColumn, stride: qkvWidth)
        }
    }

    /// `target[n * stride + j] = factors[n, j] * products[n, j] / 2` for `[tokens, headWidth]` operands.
    private static func scatter(
        tokens: Int, headWidth: Int, factors: UnsafePointer<Double>, products: UnsafePointer<Double>,
        into target: UnsafeMutablePointer<Double>, stride: Int
    ) {
        for token in 0..<tokens {
            let row = target + token * stride
            let offset = token * headWidth
            for column in 0..<headWidth { row[column] = factors[offset + column] * products[offset + column] * 0.5 }
        }
    }

    /// The first layer's z^B rule (Chefer's `Conv2d.relprop` for 3 input channels), for one image.
    ///
    /// `image` `[C, S, S]` (normalised pixels), `patchWeight` `[D, C·P·P]` (the conv weight flattened),
    /// `relevance` `[patches, D]` (the relevance at the patch tokens, bias ignored) → `result` `[C, S, S]`.
    /// With `L`, `H` the image's global min and max (scalars: Chefer's nested `torch.min` over channels, rows,
    /// columns), `Z = conv(x, W) − conv(L, W⁺) − conv(H, W⁻) + 1e-9`, `S = R / Z` (a plain division, no
    /// `safe_divide`), `R_in = x ⊙ convᵀ(S, W) − L ⊙ convᵀ(S, W⁺) − H ⊙ convᵀ(S, W⁻)`. The stride equals the
    /// kernel, so `convᵀ` is one GEMM per weight followed by folding the patches back.
    ///
    /// `patches` and `convolved` are what `patchProjection` wrote for this image; both are only read, so one
    /// forward serves any number of pixel-level passes.
    package static func patchEmbedding(
        config: ViTConfig, image: UnsafePointer<Double>, patches: UnsafePointer<Double>,
        convolved: UnsafePointer<Double>, patchWeight: UnsafePointer<Double>, relevance: UnsafePointer<Double>,
        result: UnsafeMutablePointer<Double>, workspace: LRPWorkspace
    ) {
        let width = config.embedDim
        let patchCount = config.patchCount
        let patchValues = config.patchValues
        let pixelCount = config.channels * config.imageSize * config.imageSize
        var low = Double.infinity
        var high = -Double.infinity
        for index in 0..<pixelCount {
            low = Swift.min(low, image[index])
            high = Swift.max(high, image[index])
        }
        let quotients = workspace.buffer(.products, count: patchCount * width)
        // conv(L, W⁺) and conv(H, W⁻) are the same for every patch: L·ΣW⁺ and H·ΣW⁻ per output channel.
        let packedWidth = 2 * patchValues
        let packedWeight = workspace.buffer(.packedWeight, count: width * packedWidth)
        splitSigns(rows: width, columns: patchValues, source: patchWeight, into: packedWeight)
        var lowTerms = [Double](repeating: 0, count: width)
        var highTerms = [Double](repeating: 0, count: width)
        for channel in 0..<width {
            var positive: Double = 0
            var negative: Double = 0
            let row = packedWeight + channel * packedWidth
            for column in 0..<patchValues {
                positive += low * row[column]
                negative += high * row[patchValues + column]
            }
            lowTerms[channel] = positive
            highTerms[channel] = negative
        }
        for patch in 0..<patchCount {
            for channel in 0..<width {
                let index = patch * width + channel
                let denominator = convolved[index] - lowTerms[channel] - highTerms[channel] + epsilon
                quotients[index] = relevance[index] / denominator
            }
        }
        // convᵀ(S, W) and [convᵀ(S, W⁺) | convᵀ(S, W⁻)] as [patches, C·P·P] matrices.
        let gradient = workspace.buffer(.patchGradient, count: patchCount * patchValues)
        BLAS.gemm(
            m: patchCount, n: patchValues, k: width, a: quotients, lda: width, b: patchWeight, ldb: patchValues,
            c: gradient, ldc: patchValues)
        let signedGradient = workspace.buffer(.gathered, count: patchCount * packedWidth)
        BLAS.gemm(
            m: patchCount, n: packedWidth, k: width, a: quotients, lda: width, b: packedWeight, ldb: packedWidth,
            c: signedGradient, ldc: packedWidth)
        for patch in 0..<patchCount {
            for column in 0..<patchValues {
                let signed = signedGradient + patch * packedWidth
                let index = patch * patchValues + column
                gradient[index] =
                    patches[index] * gradient[index] - low * signed[column] - high * signed[patchValues + column]
            }
        }
        fold(config: config, patches: gradient, into: result)
    }

    /// The patch embedding's convolution without bias, `conv(x, W)` as `convolved` `[patches, D]`, and the
    /// unfolded image `patches` `[patches, C·P·P]` it multiplies (`image` `[C, S, S]`, `patchWeight` `[D, C·P·P]`).
    package static func patchProjection(
        config: ViTConfig, image: UnsafePointer<Double>, patchWeight: UnsafePointer<Double>,
        patches: UnsafeMutablePointer<Double>, convolved: UnsafeMutablePointer<Double>
    ) {
        unfold(config: config, image: image, into: patches)
        BLAS.gemm(
            transposeB: true, m: config.patchCount, n: config.embedDim, k: config.patchValues, a: patches,
            lda: config.patchValues, b: patchWeight, ldb: config.patchValues, c: convolved, ldc: config.embedDim)
    }

    /// `[C, S, S]` → `[patches, C·P·P]`: row `gy·g + gx`, column `(c·P + ky)·P + kx` (the conv weight's order).
    static func unfold(config: ViTConfig, image: UnsafePointer<Double>, into patches: UnsafeMutablePointer<Double>) {
        visitPatchPixels(config: config) { patchIndex, pixelIndex in patches[patchIndex] = image[pixelIndex] }
    }

    /// The inverse of `unfold` (patches do not overlap, so every pixel is written once).
    static func fold(config: ViTConfig, patches: UnsafePointer<Double>, into image: UnsafeMutablePointer<Double>) {
        visitPatchPixels(config: config) { patchIndex, pixelIndex in image[pixelIndex] = patches[patchIndex] }
    }

    /// Calls `body(index in the unfolded matrix, index in the image)` for every pixel.
    @inline(__always)
    private static func visitPatchPixels(config: ViTConfig, _ body: (Int, Int) -> Void) {
        let side = config.imageSize
        let patch = config.patchSize
        let grid = config.gridSize
        var patchIndex = 0
        for gridRow in 0..<grid {
            for gridColumn in 0..<grid {
                for channel in 0..<config.channels {
                    for row in 0..<patch {
                        let pixelRow = (channel * side + gridRow * patch + row) * side + gridColumn * patch
                        for column in 0..<patch {
                            body(patchIndex, pixelRow + column)
                            patchIndex += 1
                        }
                    }
                }
            }
        }
    }
}
