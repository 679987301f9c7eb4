import Tensor

/// The parameters of one transformer block, in PyTorch layout (`[out, in]` for linear weights).
public struct BlockWeights: Sendable {
    /// `norm1.weight`, `norm1.bias`: `[D]`.
    public var norm1Weight: Tensor
    public var norm1Bias: Tensor
    /// `attn.qkv.weight` `[3D, D]` (rows: Q, then K, then V; head `h` at rows `h*d ..< (h+1)*d` of each) and bias `[3D]`.
    public var qkvWeight: Tensor
    public var qkvBias: Tensor
    /// `attn.proj.weight` `[D, D]`, bias `[D]`.
    public var projWeight: Tensor
    public var projBias: Tensor
    /// `norm2.weight`, `norm2.bias`: `[D]`.
    public var norm2Weight: Tensor
    public var norm2Bias: Tensor
    /// `mlp.fc1.weight` `[M, D]`, bias `[M]`.
    public var fc1Weight: Tensor
    public var fc1Bias: Tensor
    /// `mlp.fc2.weight` `[D, M]`, bias `[D]`.
    public var fc2Weight: Tensor
    public var fc2Bias: Tensor

    public init(
        norm1Weight: Tensor, norm1Bias: Tensor, qkvWeight: Tensor, qkvBias: Tensor, projWeight: Tensor,
        projBias: Tensor, norm2Weight: Tensor, norm2Bias: Tensor, fc1Weight: Tensor, fc1Bias: Tensor,
        fc2Weight: Tensor, fc2Bias: Tensor
    ) {
        self.norm1Weight = norm1Weight
        self.norm1Bias = norm1Bias
        self.qkvWeight = qkvWeight
        self.qkvBias = qkvBias
        self.projWeight = projWeight
        self.projBias = projBias
        self.norm2Weight = norm2Weight
        self.norm2Bias = norm2Bias
        self.fc1Weight = fc1Weight
        self.fc1Bias = fc1Bias
        self.fc2Weight = fc2Weight
        self.fc2Bias = fc2Bias
    }
}

/// All parameters of a ViT in timm's structure (Hugging Face checkpoints are mapped onto it).
public struct ViTWeights: Sendable {
    public var config: ViTConfig
    /// `patch_embed.proj.weight` flattened to `[D, C * P * P]` (columns ordered channel, row, column, as
    /// `weight.reshape(D, -1)`), and its bias `[D]`.
    public var patchWeight: Tensor
    public var patchBias: Tensor
    /// `cls_token`: `[D]`.
    public var classToken: Tensor
    /// `dist_token` `[D]` for distilled DeiT models.
    public var distillationToken: Tensor?
    /// `pos_embed`: `[N, D]` (prefix tokens first).
    public var positionEmbedding: Tensor
    public var blocks: [BlockWeights]
    /// Final `norm.weight`, `norm.bias`: `[D]`.
    public var normWeight: Tensor
    public var normBias: Tensor
    /// `head.weight` `[classes, D]`, `head.bias` `[classes]`.
    public var headWeight: Tensor
    public var headBias: Tensor
    /// `head_dist.weight` `[classes, D]` and bias for distilled DeiT models.
    public var distillationHeadWeight: Tensor?
    public var distillationHeadBias: Tensor?

    public init(
        config: ViTConfig, patchWeight: Tensor, patchBias: Tensor, classToken: Tensor, distillationToken: Tensor?,
        positionEmbedding: Tensor, blocks: [BlockWeights], normWeight: Tensor, normBias: Tensor, headWeight: Tensor,
        headBias: Tensor, distillationHeadWeight: Tensor?, distillationHeadBias: Tensor?
    ) {
        self.config = config
        self.patchWeight = patchWeight
        self.patchBias = patchBias
        self.classToken = classToken
        self.distillationToken = distillationToken
        self.positionEmbedding = positionEmbedding
        self.blocks = blocks
        self.normWeight = normWeight
        self.normBias = normBias
        self.headWeight = headWeight
        self.headBias = headBias
        self.distillationHeadWeight = distillationHeadWeight
        self.distillationHeadBias = distillationHeadBias
    }
}
