import Tensor

/// The LRP relevances of one image for one class, at every block's attention map, at every block's input and
/// (when asked) at the input pixels. Shapes use `N` tokens, width `D`, `H` heads and image side `S`.
public struct LRPRelevance: Sendable {
    /// Per block, first to last: `[H, N, N]`, the relevance at the post-softmax attention `A`, already halved by
    /// the `A·V` rule (Chefer's `attn_cam`, what transformer attribution and partial LRP read).
    public var attention: [Tensor]
    /// Per block, first to last: `[N, D]`, the relevance at the block's input (after the `clone1` rule); the first
    /// entry is the relevance at the embeddings.
    public var blockInputs: [Tensor]
    /// `[C, S, S]`: the relevance at the normalised input pixels (Chefer's `method="full"` before its sum over
    /// channels), or `nil` when the pixels were not asked for.
    public var pixels: Tensor?

    public init(attention: [Tensor], blockInputs: [Tensor], pixels: Tensor?) {
        self.attention = attention
        self.blockInputs = blockInputs
        self.pixels = pixels
    }

    /// `[S, S]`: the pixel relevance summed over channels (Chefer's full-LRP map), or `nil` without pixels.
    public var pixelMap: Tensor? {
        guard let pixels else { return nil }
        return pixels.sum(axis: 0)
    }
}
