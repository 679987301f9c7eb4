import Foundation
import Tensor

/// The float64 forward of one image that the LRP relevance pass reads: timm's `VisionTransformer.forward` as
/// ``ViTModel/forward(_:)`` computes it, with the float32 weights and pixels widened exactly to float64.
///
/// Why its own forward: the z-rules divide by the forward's activations (a residual sum, `A·V`, `q·kᵀ`, each
/// Linear's `x⁺W⁺ᵀ + x⁻W⁻ᵀ`), and where those come near 0 a float32 activation's rounding, which depends on how
/// the CPU's BLAS kernel orders its sums, is amplified into the map. The relevance is then the exact answer of
/// Chefer's code after `model.double()`, whatever the CPU (methods.md §2.4).
///
/// Memory: the last blocks whose activations fit the budget the caller gives are kept (all of them when
/// ``keptBytes(config:)`` fits); of the others only the input is kept (`[N, D]` each), and
/// ``activations(ofBlock:weights:)`` recomputes such a block from its input when the relevance reaches it (the
/// same bits). One forward serves both rule sets (an ``ExplanationContext`` shares it between full LRP and
/// transformer attribution).
package final class LRPForward {
    let config: ViTConfig
    /// The image's normalised pixels, `[C, S, S]`.
    let image: Float64Buffer
    /// The unfolded image `[patches, C·P·P]` and `conv(x, W)` without bias `[patches, D]`.
    let patches: Float64Buffer
    let convolved: Float64Buffer
    /// The patch embedding's weight `[D, C·P·P]` widened (the pixel rule reads it again).
    let patchWeight: Float64Buffer
    /// The tokens the position embedding is added to (prefix tokens, then `conv(x, W) + b`): `[N, D]`.
    let tokensBeforePosition: Float64Buffer
    /// The first block's input, `[N, D]`.
    let embeddings: Float64Buffer
    /// The final LayerNorm's output `[N, D]`, with the epsilon the caller chose.
    let finalNorm: Float64Buffer
    /// Per block, first to last: its kept activations, or nil when it is recomputed from ``blockInputs``.
    private let keptBlocks: [LRPBlockActivations?]
    /// Per block: its input when it is recomputed (nil when kept).
    private let blockInputs: [Float64Buffer?]
    /// The activations of the block recomputed last (nil when every block is kept).
    private let scratch: LRPBlockActivations?
    /// The bytes this forward holds.
    package let heldBytes: Int

    /// Runs the forward of `image` `[C, S, S]` (normalised pixels) through `weights` in float64, with the final
    /// LayerNorm's epsilon `finalNormEpsilon`; keeps the activations of the last blocks that fit `budgetBytes`.
    package init(weights: ViTWeights, image: UnsafePointer<Float>, finalNormEpsilon: Double, budgetBytes: Int) {
        let config = weights.config
        self.config = config
        let width = config.embedDim
        let tokens = config.tokens
        let pixelCount = config.channels * config.imageSize * config.imageSize
        let pixels = Float64Buffer(widening: image, count: pixelCount)
        let patches = Float64Buffer(count: config.patchCount * config.patchValues)
        let convolved = Float64Buffer(count: config.patchCount * width)
        let patchWeight = Float64Buffer(widening: weights.patchWeight)
        LRPLayers.patchProjection(
            config: config, image: pixels.pointer, patchWeight: patchWeight.pointer, patches: patches.pointer,
            convolved: convolved.pointer)
        self.image = pixels
        self.patches = patches
        self.convolved = convolved
        self.patchWeight = patchWeight

        // cat(cls, [dist,] conv(x, W) + b) + pos_embed (timm's `_pos_embed`, `no_embed_class=False`).
        let beforePosition = Float64Buffer(count: tokens * width)
        var prefix = [weights.classToken]
        if let distillationToken = weights.distillationToken, config.distilled { prefix.append(distillationToken) }
        precondition(prefix.count == config.prefixTokens, "LRP: a distilled configuration without dist_token")
        for (index, token) in prefix.enumerated() {
            let widened = Float64Buffer(widening: token)
            (beforePosition.pointer + index * width).update(from: widened.pointer, count: width)
        }
        let patchBias = Float64Buffer(widening: weights.patchBias)
        for patch in 0..<config.patchCount {
            let target = beforePosition.pointer + (config.prefixTokens + patch) * width
            let source = convolved.pointer + patch * width
            for column in 0..<width { target[column] = source[column] + patchBias.pointer[column] }
        }
        let position = Float64Buffer(widening: weights.positionEmbedding)
        let embeddings = Float64Buffer(count: tokens * width)
        for index in 0..<tokens * width {
            embeddings.pointer[index] = beforePosition.pointer[index] + position.pointer[index]
        }
        tokensBeforePosition = beforePosition
        self.embeddings = embeddings

        let blockBytes = LRPBlockActivations.bytes(config: config)
        let keptCount = min(
            config.depth, max(budgetBytes - LRPForward.workingBytes(config: config), 0) / max(blockBytes, 1))
        let firstKept = config.depth - keptCount
        var inputs: [Float64Buffer?] = []
        var kept: [LRPBlockActivations?] = []
        let reused = firstKept > 0 ? LRPBlockActivations(config: config) : nil
        var stream = embeddings
        for (index, block) in weights.blocks.enumerated() {
            let keeps = index >= firstKept
            let activations =
                keeps ? LRPBlockActivations(config: config) : (reused ?? LRPBlockActivations(config: config))
            LRPForward.forwardBlock(
                config: config, weights: Float64BlockWeights(block), input: stream.pointer, into: activations)
            if keeps {
                kept.append(activations)
                inputs.append(nil)
                stream = activations.output
            } else {
                kept.append(nil)
                inputs.append(stream)
                stream = Float64Buffer(copying: activations.output)
            }
        }
        blockInputs = inputs
        keptBlocks = kept
        scratch = reused
        heldBytes =
            (keptCount + (reused == nil ? 0 : 1)) * blockBytes
            + (firstKept + 5) * tokens * width * MemoryLayout<Double>.size
            + (pixelCount + config.patchCount * config.patchValues + patchWeight.count) * MemoryLayout<Double>.size
        let finalNorm = Float64Buffer(count: tokens * width)
        let normWeight = Float64Buffer(widening: weights.normWeight)
        let normBias = Float64Buffer(widening: weights.normBias)
        LRPForward.layerNorm(
            rows: tokens, width: width, input: stream.pointer, weight: normWeight.pointer, bias: normBias.pointer,
            epsilon: finalNormEpsilon, output: finalNorm.pointer)
        self.finalNorm = finalNorm
    }

    /// The float64 bytes of every block's activations (a budget of this much more than ``workingBytes(config:)``
    /// keeps them all).
    package static func keptBytes(config: ViTConfig) -> Int {
        config.depth * LRPBlockActivations.bytes(config: config)
    }

    /// The float64 bytes a relevance pass works in beside the kept activations: one recomputed block, the rules'
    /// scratch (``LRPWorkspace``: packed inputs and their sums, one block of packed weight rows, the attention
    /// rule's per-head products) and the forward's widened weight rows; subtracted from the budget first.
    package static func workingBytes(config: ViTConfig) -> Int {
        let tokens = config.tokens
        let widest = max(config.mlpDim, 3 * config.embedDim)
        let blockRows = LRPLayers.weightBlockRows(valuesPerRow: 2 * config.embedDim)
        let perHead = 2 * tokens * config.headDim + 2 * tokens * tokens
        let values =
            4 * tokens * widest + 2 * tokens * blockRows + config.heads * perHead + 6 * tokens * config.embedDim
        return LRPBlockActivations.bytes(config: config) + values * MemoryLayout<Double>.size
            + 2 * LRPLayers.weightBlockBytes
    }

    /// Block `index`'s activations: the kept ones, or recomputed from its input with `weights` (the block's
    /// parameters, which the relevance pass holds for its rules anyway). Valid until the next call.
    func activations(ofBlock index: Int, weights: Float64BlockWeights) -> LRPBlockActivations {
        if let kept = keptBlocks[index] { return kept }
        guard let scratch, let input = blockInputs[index] else {
            preconditionFailure("LRPForward: block \(index) is neither kept nor recomputable")
        }
        Self.forwardBlock(config: config, weights: weights, input: input.pointer, into: scratch)
        return scratch
    }

    /// One pre-LN block (timm's `Block.forward`, `Attention`'s non-fused path) for one image, every intermediate
    /// written into `activations`.
    static func forwardBlock(
        config: ViTConfig, weights: Float64BlockWeights, input: UnsafePointer<Double>,
        into activations: LRPBlockActivations
    ) {
        let tokens = config.tokens
        let width = config.embedDim
        let heads = config.heads
        let headWidth = config.headDim
        let hiddenWidth = config.mlpDim
        let epsilon = Double(config.layerNormEpsilon)
        let square = tokens * tokens
        let widened = Float64Buffer(count: LRPLayers.weightBlockBytes / MemoryLayout<Double>.size)
        weights.withWeightPointers { qkvWeight, projWeight, fc1Weight, fc2Weight in
            activations.input.pointer.update(from: input, count: tokens * width)
            layerNorm(
                rows: tokens, width: width, input: input, weight: weights.norm1Weight.pointer,
                bias: weights.norm1Bias.pointer, epsilon: epsilon, output: activations.norm1.pointer)
            let qkv = Float64Buffer(count: tokens * 3 * width)
            linear(
                rows: tokens, inputs: width, outputs: 3 * width, input: activations.norm1.pointer,
                weight: qkvWeight, bias: weights.qkvBias.pointer, output: qkv.pointer, widened: widened)
            // (N, 3, H, d) → three [H, N, d] tensors.
            for (part, target) in [activations.query, activations.key, activations.value].enumerated() {
                for head in 0..<heads {
                    for token in 0..<tokens {
                        (target.pointer + (head * tokens + token) * headWidth).update(
                            from: qkv.pointer + token * 3 * width + part * width + head * headWidth, count: headWidth)
                    }
                }
            }
            let scale = 1 / Double(headWidth).squareRoot()
            // The heads in parallel, each on single-threaded GEMMs, each writing its own block and context columns.
            Tensor.Kernels.forEachIndexWithSingleThreadedBLAS(count: heads) { head in
                let offset = head * tokens * headWidth
                let probabilities = activations.attention.pointer + head * square
                BLAS.gemm(
                    transposeB: true, m: tokens, n: tokens, k: headWidth, alpha: scale,
                    a: activations.query.pointer + offset, lda: headWidth, b: activations.key.pointer + offset,
                    ldb: headWidth, c: probabilities, ldc: tokens)
                softmaxRows(rows: tokens, width: tokens, values: probabilities)
                BLAS.gemm(
                    m: tokens, n: headWidth, k: tokens, a: probabilities, lda: tokens,
                    b: activations.value.pointer + offset, ldb: headWidth,
                    c: activations.context.pointer + head * headWidth, ldc: width)
            }
            linear(
                rows: tokens, inputs: width, outputs: width, input: activations.context.pointer,
                weight: projWeight, bias: weights.projBias.pointer, output: activations.afterAttention.pointer,
                widened: widened)
            for index in 0..<tokens * width { activations.afterAttention.pointer[index] += input[index] }
            layerNorm(
                rows: tokens, width: width, input: activations.afterAttention.pointer,
                weight: weights.norm2Weight.pointer,
                bias: weights.norm2Bias.pointer, epsilon: epsilon, output: activations.norm2.pointer)
            linear(
                rows: tokens, inputs: width, outputs: hiddenWidth, input: activations.norm2.pointer,
                weight: fc1Weight, bias: weights.fc1Bias.pointer, output: activations.hidden.pointer, widened: widened)
            let halfSquareRootTwo = 1 / Double(2).squareRoot()
            for index in 0..<tokens * hiddenWidth {
                let value = activations.hidden.pointer[index]
                activations.hidden.pointer[index] = 0.5 * value * (1 + erf(value * halfSquareRootTwo))
            }
            linear(
                rows: tokens, inputs: hiddenWidth, outputs: width, input: activations.hidden.pointer,
                weight: fc2Weight, bias: weights.fc2Bias.pointer, output: activations.output.pointer, widened: widened)
            for index in 0..<tokens * width {
                activations.output.pointer[index] += activations.afterAttention.pointer[index]
            }
        }
    }

    /// `output [rows, outputs] = input [rows, inputs] · weightᵀ + bias` (`nn.Linear`, float32 weight
    /// `[outputs, inputs]` widened exactly, block of rows by block of rows into `widened`).
    static func linear(
        rows: Int, inputs: Int, outputs: Int, input: UnsafePointer<Double>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>, widened: Float64Buffer
    ) {
        let blockRows = max(1, widened.count / max(inputs, 1))
        for start in stride(from: 0, to: outputs, by: blockRows) {
            let count = min(blockRows, outputs - start)
            let source = weight + start * inputs
            for index in 0..<count * inputs { widened.pointer[index] = Double(source[index]) }
            BLAS.gemmSplittingColumns(
                transposeB: true, m: rows, n: count, k: inputs, a: input, lda: inputs, b: widened.pointer,
                ldb: inputs, c: output + start, ldc: outputs)
        }
        for row in 0..<rows {
            let target = output + row * outputs
            for column in 0..<outputs { target[column] += bias[column] }
        }
    }

    /// `nn.LayerNorm` over rows of `width` values (biased variance).
    static func layerNorm(
        rows: Int, width: Int, input: UnsafePointer<Double>, weight: UnsafePointer<Double>,
        bias: UnsafePointer<Double>, epsilon: Double, output: UnsafeMutablePointer<Double>
    ) {
        for row in 0..<rows {
            let source = input + row * width
            let target = output + row * width
            var sum: Double = 0
            for column in 0..<width { sum += source[column] }
            let mean = sum / Double(width)
            var squares: Double = 0
            for column in 0..<width { squares += (source[column] - mean) * (source[column] - mean) }
            let inverseStd = 1 / (squares / Double(width) + epsilon).squareRoot()
            for column in 0..<width {
                target[column] = (source[column] - mean) * inverseStd * weight[column] + bias[column]
            }
        }
    }

    /// Softmax of each row in place, shifted by the row's maximum.
    static func softmaxRows(rows: Int, width: Int, values: UnsafeMutablePointer<Double>) {
        for row in 0..<rows {
            let values = values + row * width
            var largest = -Double.infinity
            for column in 0..<width { largest = max(largest, values[column]) }
            var sum: Double = 0
            for column in 0..<width {
                values[column] = exp(values[column] - largest)
                sum += values[column]
            }
            for column in 0..<width { values[column] /= sum }
        }
    }
}

/// What one block of ``LRPForward`` computed for one image, in float64. Shapes use `N` tokens, width `D`, `H`
/// heads of width `d`, MLP width `M`.
final class LRPBlockActivations {
    /// The block's input, `norm1`, `A·V` with heads concatenated, `input + proj(·)`, `norm2` and the output: `[N, D]`.
    let input, norm1, context, afterAttention, norm2, output: Float64Buffer
    /// Queries, keys, values: `[H, N, d]`.
    let query, key, value: Float64Buffer
    /// The post-softmax attention: `[H, N, N]`.
    let attention: Float64Buffer
    /// `GELU(fc1(norm2))`: `[N, M]`.
    let hidden: Float64Buffer

    init(config: ViTConfig) {
        let stream = config.tokens * config.embedDim
        input = Float64Buffer(count: stream)
        norm1 = Float64Buffer(count: stream)
        context = Float64Buffer(count: stream)
        afterAttention = Float64Buffer(count: stream)
        norm2 = Float64Buffer(count: stream)
        output = Float64Buffer(count: stream)
        query = Float64Buffer(count: stream)
        key = Float64Buffer(count: stream)
        value = Float64Buffer(count: stream)
        attention = Float64Buffer(count: config.heads * config.tokens * config.tokens)
        hidden = Float64Buffer(count: config.tokens * config.mlpDim)
    }

    /// The bytes of one block's activations.
    static func bytes(config: ViTConfig) -> Int {
        let tokens = config.tokens
        let values = 9 * tokens * config.embedDim + config.heads * tokens * tokens + tokens * config.mlpDim
        return values * MemoryLayout<Double>.size
    }
}

/// One block's parameters for ``LRPForward`` and the relevance rules: the LayerNorm parameters and biases
/// widened to float64 (exact), and the float32 weight matrices, which are widened a block of rows at a time
/// where they are used.
struct Float64BlockWeights {
    let norm1Weight, norm1Bias, qkvBias, projBias, norm2Weight, norm2Bias, fc1Bias, fc2Bias: Float64Buffer
    let weights: BlockWeights

    init(_ block: BlockWeights) {
        weights = block
        norm1Weight = Float64Buffer(widening: block.norm1Weight)
        norm1Bias = Float64Buffer(widening: block.norm1Bias)
        qkvBias = Float64Buffer(widening: block.qkvBias)
        projBias = Float64Buffer(widening: block.projBias)
        norm2Weight = Float64Buffer(widening: block.norm2Weight)
        norm2Bias = Float64Buffer(widening: block.norm2Bias)
        fc1Bias = Float64Buffer(widening: block.fc1Bias)
        fc2Bias = Float64Buffer(widening: block.fc2Bias)
    }

    /// Calls `body` with the float32 `qkv`, `proj`, `fc1` and `fc2` weights.
    func withWeightPointers<Result>(
        _ body: (
            _ qkv: UnsafePointer<Float>, _ proj: UnsafePointer<Float>, _ fc1: UnsafePointer<Float>,
            _ fc2: UnsafePointer<Float>
        ) -> Result
    ) -> Result {
        weights.qkvWeight.withPointer { qkv in
            weights.projWeight.withPointer { proj in
                weights.fc1Weight.withPointer { fc1 in
                    weights.fc2Weight.withPointer { fc2 in body(qkv, proj, fc1, fc2) }
                }
            }
        }
    }
}

/// A float64 buffer that owns its memory (zero-filled when made by count).
///
/// Bind one to a local before passing its ``pointer`` on: a temporary may be freed once its pointer is read.
final class Float64Buffer {
    let pointer: UnsafeMutablePointer<Double>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// The values of `source` widened exactly.
    convenience init(widening source: UnsafePointer<Float>, count: Int) {
        self.init(count: count)
        for index in 0..<count { pointer[index] = Double(source[index]) }
    }

    /// The values of `tensor` widened exactly.
    convenience init(widening tensor: Tensor) {
        self.init(count: tensor.count)
        guard tensor.count > 0 else { return }
        tensor.withPointer { source in
            for index in 0..<tensor.count { pointer[index] = Double(source[index]) }
        }
    }

    /// A copy of `other`.
    convenience init(copying other: Float64Buffer) {
        self.init(count: other.count)
        pointer.update(from: other.pointer, count: other.count)
    }

    deinit { pointer.deallocate() }
}
