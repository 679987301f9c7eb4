/// The epsilon of the final LayerNorm in the LRP relevance pass's forward.
///
/// Chefer's `baselines/ViT/ViT_LRP.py` and `ViT_orig_LRP.py` build the final norm as `LayerNorm(embed_dim)`,
/// PyTorch's default epsilon 1e-5, while timm (and the blocks of both) use 1e-6; the pooled token the head rule
/// reads differs by that epsilon's effect (methods.md §8).
public enum LRPFinalNorm: String, Sendable, CaseIterable {
    /// The checkpoint's own epsilon (timm: 1e-6, Hugging Face: 1e-12), as the model classifies.
    case model
    /// 1e-5, as Chefer's LRP models run it.
    case chefer

    /// The epsilon for a model of `config`.
    public func epsilon(for config: ViTConfig) -> Double {
        switch self {
        case .model: Double(config.layerNormEpsilon)
        case .chefer: 1e-5
        }
    }
}
