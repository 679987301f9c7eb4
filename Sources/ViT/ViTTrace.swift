import Tensor

/// What one block computed in a forward pass, for a batch of `B` images. Shapes use `N` tokens, width `D`,
/// `H` heads of width `d` and MLP width `M`.
public struct BlockTrace: Sendable {
    /// The residual stream entering the block: `[B, N, D]`.
    public var input: Tensor
    /// `norm1(input)`: `[B, N, D]`.
    public var norm1: Tensor
    /// Queries, keys, values: `[B, H, N, d]` each.
    public var query: Tensor
    public var key: Tensor
    public var value: Tensor
    /// Pre-softmax scores `S = q·kᵀ·d^-0.5`: `[B, H, N, N]`.
    public var scores: Tensor
    /// Attention probabilities `A = softmax(S)` over the last axis: `[B, H, N, N]`.
    public var attention: Tensor
    /// `A·v` with heads concatenated (the input of `attn.proj`): `[B, N, D]`.
    public var context: Tensor
    /// `input + proj(context)`: `[B, N, D]`.
    public var afterAttention: Tensor
    /// `norm2(afterAttention)`: `[B, N, D]`.
    public var norm2: Tensor
    /// `fc1(norm2)` before the GELU: `[B, N, M]`.
    public var hiddenPreActivation: Tensor
    /// `GELU(hiddenPreActivation)`: `[B, N, M]`.
    public var hidden: Tensor
    /// `afterAttention + fc2(hidden)`: the block's output, `[B, N, D]`.
    public var output: Tensor

    public init(
        input: Tensor, norm1: Tensor, query: Tensor, key: Tensor, value: Tensor, scores: Tensor, attention: Tensor,
        context: Tensor, afterAttention: Tensor, norm2: Tensor, hiddenPreActivation: Tensor, hidden: Tensor,
        output: Tensor
    ) {
        self.input = input
        self.norm1 = norm1
        self.query = query
        self.key = key
        self.value = value
        self.scores = scores
        self.attention = attention
        self.context = context
        self.afterAttention = afterAttention
        self.norm2 = norm2
        self.hiddenPreActivation = hiddenPreActivation
        self.hidden = hidden
        self.output = output
    }
}

/// Everything a forward pass computed for a batch: what the explanation methods read.
public struct ViTTrace: Sendable {
    /// The normalised input pixels: `[B, C, imageSize, imageSize]`.
    public var input: Tensor
    /// Patch embeddings with prefix tokens and position embedding added: `[B, N, D]` (the first block's input).
    public var embeddings: Tensor
    /// One entry per block, first to last.
    public var blocks: [BlockTrace]
    /// The final LayerNorm's output: `[B, N, D]`.
    public var finalNorm: Tensor
    /// Class logits: `[B, classes]` (for distilled models the mean of both heads).
    public var logits: Tensor

    public init(input: Tensor, embeddings: Tensor, blocks: [BlockTrace], finalNorm: Tensor, logits: Tensor) {
        self.input = input
        self.embeddings = embeddings
        self.blocks = blocks
        self.finalNorm = finalNorm
        self.logits = logits
    }
}
