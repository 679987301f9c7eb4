/// The geometry of a Vision Transformer (timm's `VisionTransformer` / `VisionTransformerDistilled`, or Hugging
/// Face's `ViTForImageClassification`).
public struct ViTConfig: Equatable, Sendable, Codable {
    /// Input side in pixels (square inputs: 224 or 384 for the presets).
    public var imageSize: Int
    /// Patch side in pixels (8, 16 or 32).
    public var patchSize: Int
    /// Input channels (3).
    public var channels: Int
    /// Token width `D`.
    public var embedDim: Int
    /// Number of blocks `L`.
    public var depth: Int
    /// Attention heads `H`; the head width is `embedDim / heads`.
    public var heads: Int
    /// Hidden width of the MLP (`4 * D` for every preset).
    public var mlpDim: Int
    /// Classifier outputs.
    public var classes: Int
    /// LayerNorm epsilon: 1e-6 in timm, 1e-12 in Hugging Face's `ViTConfig`.
    public var layerNormEpsilon: Float
    /// Whether the model has a distillation token and head (DeiT distilled: token order cls, dist, patches; the
    /// logits are the mean of both heads at inference, as timm does).
    public var distilled: Bool

    public init(
        imageSize: Int = 224, patchSize: Int = 16, channels: Int = 3, embedDim: Int, depth: Int, heads: Int,
        mlpDim: Int? = nil, classes: Int = 1000, layerNormEpsilon: Float = 1e-6, distilled: Bool = false
    ) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.channels = channels
        self.embedDim = embedDim
        self.depth = depth
        self.heads = heads
        self.mlpDim = mlpDim ?? 4 * embedDim
        self.classes = classes
        self.layerNormEpsilon = layerNormEpsilon
        self.distilled = distilled
    }

    /// Patches per side.
    public var gridSize: Int { imageSize / patchSize }
    /// Patch tokens (`gridSize^2`).
    public var patchCount: Int { gridSize * gridSize }
    /// Tokens before the patches: 1 (CLS) or 2 (CLS, distillation).
    public var prefixTokens: Int { distilled ? 2 : 1 }
    /// All tokens `N` (197 for ViT-B/16 at 224).
    public var tokens: Int { patchCount + prefixTokens }
    /// Per-head width `d`.
    public var headDim: Int { embedDim / heads }
    /// Values in one flattened patch (`channels * patchSize^2`), the patch-embedding GEMM's inner size.
    public var patchValues: Int { channels * patchSize * patchSize }
}
