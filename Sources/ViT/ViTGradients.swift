import Tensor

/// Gradients at one block for a batch of `B` images (`N` tokens, width `D`, `H` heads).
public struct BlockGradients: Sendable {
    /// dL/dA, the gradient at the post-softmax attention probabilities: `[B, H, N, N]`.
    public var attention: Tensor
    /// dL/dS, the gradient at the pre-softmax scores `S = q·kᵀ·d^-0.5`: `[B, H, N, N]`.
    public var scores: Tensor
    /// dL/d(block input tokens), the residual stream entering the block: `[B, N, D]`.
    public var blockInput: Tensor

    public init(attention: Tensor, scores: Tensor, blockInput: Tensor) {
        self.attention = attention
        self.scores = scores
        self.blockInput = blockInput
    }
}

/// What a backward pass computed for a batch: image `b`'s gradients are of its own target scalar (the logit or
/// probability of `classes[b]`), so one pass serves a batch of integrated-gradients steps or SmoothGrad samples.
///
/// No weight gradients are formed. In ``BackwardMode/detachedAttentionInputs`` mode `blockInput`, `embeddings`
/// and `input` are the gradients of the detached graph (what PyTorch leaves in `.grad` with the AG-CAM model):
/// only the skip-connection and MLP paths carry them, and since tokens meet only in attention, they are non-zero
/// at the prefix tokens the head reads and zero elsewhere, so `input` is identically zero (as in PyTorch).
public struct ViTGradients: Sendable {
    /// The seed dL/dlogits: `[B, classes]` (one-hot for ``BackwardTarget/logit``; `p_c (δ_cj - p_j)` for
    /// ``BackwardTarget/probability``).
    public var logits: Tensor
    /// One entry per block, first to last.
    public var blocks: [BlockGradients]
    /// dL/d(embeddings), the first block's input: `[B, N, D]` (equal to `blocks[0].blockInput`).
    public var embeddings: Tensor
    /// dL/d(input pixels): `[B, C, imageSize, imageSize]`, through the patch embedding.
    public var input: Tensor

    public init(logits: Tensor, blocks: [BlockGradients], embeddings: Tensor, input: Tensor) {
        self.logits = logits
        self.blocks = blocks
        self.embeddings = embeddings
        self.input = input
    }
}
