import Tensor

/// A Vision Transformer that runs timm's `VisionTransformer` (and `VisionTransformerDistilled`, and Hugging Face's
/// `ViTForImageClassification`, mapped onto the same weights) natively: a forward that records everything the
/// explanation methods read (``ViTTrace``), a cheaper forward that records nothing, and a hand-written backward
/// to every block's attention and the input (``backward(_:classes:target:mode:)``).
///
/// The arithmetic follows timm 1.0.31 (`timm/models/vision_transformer.py`, `timm/layers/attention.py`) with
/// the non-fused attention path: patch embedding (a stride-`P` convolution, done as im2col + one GEMM), prefix
/// tokens (cls, then dist for distilled models) concatenated before `pos_embed` is added, pre-LN blocks
/// `x += proj(softmax(q·kᵀ·d^-0.5)·v)`, `x += fc2(GELU(fc1(norm2(x))))` with the exact erf GELU, the final
/// norm, and the head on token 0 (distilled: `(head(x[:, 0]) + head_dist(x[:, 1])) / 2`, timm at inference).
/// LayerNorm epsilon comes from the config (1e-6 for timm, 1e-12 for Hugging Face).
public struct ViTModel: Sendable {
    public let weights: ViTWeights

    /// The model's geometry.
    public var config: ViTConfig { weights.config }

    public init(weights: ViTWeights) {
        self.weights = weights
    }

    /// Runs a batch and records every block: `input` is `[B, C, S, S]` normalised pixels (`S = imageSize`).
    public func forward(_ input: Tensor) -> ViTTrace {
        forward(input) { $0 }
    }

    /// ``forward(_:)`` recording `keep(block)` of each block (a lean pass's subset of the trace).
    func forward(_ input: Tensor, keeping keep: (BlockTrace) -> BlockTrace) -> ViTTrace {
        let batch = checkInput(input)
        let embeddings = embed(input, batch: batch)
        var blocks: [BlockTrace] = []
        blocks.reserveCapacity(weights.blocks.count)
        var stream = embeddings
        for blockWeights in weights.blocks {
            let block = forwardBlock(stream, batch: batch, weights: blockWeights)
            stream = block.output
            blocks.append(keep(block))
        }
        let finalNorm = stream.layerNorm(
            weight: weights.normWeight, bias: weights.normBias, epsilon: config.layerNormEpsilon)
        return ViTTrace(
            input: input, embeddings: embeddings, blocks: blocks, finalNorm: finalNorm,
            logits: head(finalNorm, batch: batch))
    }

    /// The logits `[B, classes]` of a batch, without keeping a trace: each block's intermediates are dropped as
    /// soon as the next block has its input, so memory stays at one block's activations (for perturbation
    /// curves and other many-forward methods). Numerically identical to `forward(input).logits`.
    public func logits(_ input: Tensor) -> Tensor {
        let batch = checkInput(input)
        var stream = embed(input, batch: batch)
        for blockWeights in weights.blocks {
            stream = forwardBlock(stream, batch: batch, weights: blockWeights).output
        }
        let finalNorm = stream.layerNorm(
            weight: weights.normWeight, bias: weights.normBias, epsilon: config.layerNormEpsilon)
        return head(finalNorm, batch: batch)
    }

    /// The batch size of a `[B, C, S, S]` input (a precondition names any other shape).
    func checkInput(_ input: Tensor) -> Int {
        let expected = [config.channels, config.imageSize, config.imageSize]
        precondition(
            input.rank == 4 && Array(input.shape.dropFirst()) == expected,
            "ViTModel: input \(input.shape), expected [B, \(expected.map(String.init).joined(separator: ", "))]")
        return input.shape[0]
    }

    /// Logits `[B, classes]` from the final norm's output `[B, N, D]`: `head(x[:, 0])`, or for distilled models
    /// `(head(x[:, 0]) + head_dist(x[:, 1])) / 2` (timm's `VisionTransformerDistilled.forward_head`).
    func head(_ finalNorm: Tensor, batch: Int) -> Tensor {
        let tokens = config.tokens
        let width = config.embedDim
        func token(_ index: Int) -> Tensor {
            Tensor(shape: [batch, width]) { output in
                finalNorm.withPointer { source in
                    for image in 0..<batch {
                        (output + image * width).update(from: source + (image * tokens + index) * width, count: width)
                    }
                }
            }
        }
        let classLogits = Self.linear(token(0), rows: batch, weight: weights.headWeight, bias: weights.headBias)
        guard config.distilled, let distillationWeight = weights.distillationHeadWeight else {
            return classLogits.reshaped([batch, config.classes])
        }
        var logits = Self.linear(
            token(1), rows: batch, weight: distillationWeight, bias: weights.distillationHeadBias)
        for index in logits.storage.indices {
            logits.storage[index] = (classLogits.storage[index] + logits.storage[index]) / 2
        }
        return logits.reshaped([batch, config.classes])
    }
}
