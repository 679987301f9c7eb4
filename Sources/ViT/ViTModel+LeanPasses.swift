import Tensor

/// The many-image passes of integrated gradients, SmoothGrad and the attention integral of TAM and Beyond
/// Intuition need one product each, so they keep only what that product's backward reads. Each is bit-identical
/// to the same product read off ``ViTModel/forward(_:)`` and ``ViTModel/backward(_:classes:target:mode:)``, at
/// a fraction of the memory (``ViTConfig/leanPassBytesPerImage(_:)``), so more images fit in one batch.
extension ViTModel {
    /// What a lean pass computes.
    public enum LeanPass: Sendable, Equatable {
        /// ∂y/∂x at the input pixels, `[B, C, S, S]` (the standard graph).
        case inputGradient
        /// ∂y/∂A at the last block's post-softmax attention, `[B, H, N, N]`.
        case lastBlockAttentionGradient
    }

    /// `backward(forward(input), classes:, target:).input`, `[B, C, S, S]`, with the forward keeping per block
    /// only what the backward to the input reads (the block input, q, k, v, `A`, the stream after attention and
    /// the MLP pre-activation: ``BlockTrace/keepingWhatTheInputGradientReads()``), and the backward keeping no
    /// block's gradients and freeing each block's trace once it is passed.
    public func inputGradients(_ input: Tensor, classes: [Int], target: BackwardTarget = .logit) -> Tensor {
        let batch = checkInput(input)
        precondition(classes.count == batch, "inputGradients: \(classes.count) classes for a batch of \(batch)")
        precondition(classes.allSatisfy { (0..<config.classes).contains($0) }, "inputGradients: class out of range")
        var trace = forward(input) { $0.keepingWhatTheInputGradientReads() }
        let seed = logitGradient(trace.logits, classes: classes, target: target)
        var streamGradient = headBackward(seed, trace: trace, batch: batch)
        for blockWeights in weights.blocks.reversed() {
            // Each block's trace is freed once its backward is done.
            guard let block = trace.blocks.popLast() else { break }
            streamGradient =
                backwardBlock(
                    streamGradient, trace: block, batch: batch, weights: blockWeights, mode: .standard
                ).blockInput
        }
        return embeddingBackward(streamGradient, batch: batch)
    }

    /// `backward(forward(input), classes:, target:).blocks.last.attention`, `[B, H, N, N]`: the forward keeps
    /// only the last block's trace, and the backward is the detached one of that block alone, which is exact
    /// for the last block (the stream gradient entering it is non-zero at the prefix rows only, in either
    /// graph: ``detachedBackward(_:classes:target:)``).
    public func lastBlockAttentionGradients(_ input: Tensor, classes: [Int], target: BackwardTarget = .logit)
        -> Tensor
    {
        let batch = checkInput(input)
        precondition(classes.count == batch, "lastBlockAttentionGradients: \(classes.count) classes, batch \(batch)")
        precondition(classes.allSatisfy { (0..<config.classes).contains($0) }, "lastBlockAttentionGradients: class")
        var stream = embed(input, batch: batch)
        var last: BlockTrace?
        for (index, blockWeights) in weights.blocks.enumerated() {
            let block = forwardBlock(stream, batch: batch, weights: blockWeights)
            stream = block.output
            if index == weights.blocks.count - 1 { last = block.keepingWhatTheAttentionGradientReads() }
        }
        guard let last else { return Tensor(zeros: [batch, config.heads, config.tokens, config.tokens]) }
        let finalNorm = stream.layerNorm(
            weight: weights.normWeight, bias: weights.normBias, epsilon: config.layerNormEpsilon)
        let trace = ViTTrace(
            input: Tensor(zeros: [0]), embeddings: Tensor(zeros: [0]), blocks: [last], finalNorm: finalNorm,
            logits: head(finalNorm, batch: batch))
        return detachedBackward(trace, classes: classes, target: target).blocks[0].attention
    }
}

extension BlockTrace {
    /// The tensors that ``ViTModel/backwardBlock(_:trace:batch:weights:mode:)`` reads in the standard graph,
    /// with the rest (`norm1`, the scores, the context, `norm2`, the GELU output) emptied to `[0]`.
    func keepingWhatTheInputGradientReads() -> BlockTrace {
        var lean = self
        let empty = Tensor(zeros: [0])
        lean.norm1 = empty
        lean.scores = empty
        lean.context = empty
        lean.norm2 = empty
        lean.hidden = empty
        return lean
    }

    /// The tensors the detached backward reads (v, `A`, the stream after attention, the MLP pre-activation, and
    /// the output the final norm read), with the rest emptied to `[0]`.
    func keepingWhatTheAttentionGradientReads() -> BlockTrace {
        var lean = keepingWhatTheInputGradientReads()
        let empty = Tensor(zeros: [0])
        lean.input = empty
        lean.query = empty
        lean.key = empty
        return lean
    }
}

extension ViTConfig {
    /// An upper estimate of the bytes one image adds to a batch of `pass`: what the lean forward keeps, plus the
    /// largest transients of one block's forward and backward and the input and its gradient. Chunks of a
    /// batched pass are sized by it (about 98 MB for ViT-B/16 at 224 and 10 MB for the demo model for
    /// ``ViTModel/LeanPass/inputGradient``; 13 MB and 1.4 MB for the last block's attention gradient).
    public func leanPassBytesPerImage(_ pass: ViTModel.LeanPass) -> Int {
        let stream = tokens * embedDim
        let square = heads * tokens * tokens
        let hiddenValues = tokens * mlpDim
        let pixels = channels * imageSize * imageSize
        // One block's full forward (q/k/v split from a [N, 3D] product, scores and A, context, norm2, fc1, GELU).
        let blockForward = 9 * stream + 2 * square + 2 * hiddenValues
        let floats: Int
        switch pass {
        case .inputGradient:
            let keptPerBlock = 5 * stream + square + hiddenValues
            // The backward's transients: the hidden gradient, dA and dS, the q/k/v gradient and a few streams.
            let blockBackward = hiddenValues + 2 * square + 6 * stream
            floats = depth * keptPerBlock + stream + max(blockForward, blockBackward) + 2 * pixels
        case .lastBlockAttentionGradient:
            let kept = 2 * stream + square + hiddenValues + stream
            // The result dA and dS (full size, zero outside the prefix rows) and the prefix rows' small products.
            floats = kept + blockForward + 2 * square + pixels
        }
        return floats * MemoryLayout<Float>.size
    }
}

extension ViTConfig {
    /// The number of weights (timm's `sum(p.numel() for p in model.parameters())`): 86,567,656 for ViT-B/16 at
    /// 224 with 1000 classes.
    public var parameterCount: Int {
        let width = embedDim
        let perBlock =
            4 * width + (3 * width * width + 3 * width) + (width * width + width)
            + (mlpDim * width + mlpDim) + (width * mlpDim + width)
        let heads = (distilled ? 2 : 1) * (classes * width + classes)
        return width * patchValues + width + prefixTokens * width + tokens * width + depth * perBlock + 2 * width
            + heads
    }
}
