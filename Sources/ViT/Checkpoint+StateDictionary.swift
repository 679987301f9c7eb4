import Tensor

extension Checkpoint {
    /// The weights as timm's state dict: timm's names and PyTorch's shapes (patch weight `[D, C, P, P]`, tokens
    /// `[1, 1, D]`, position embedding `[1, N, D]`), the inverse of loading a timm-named checkpoint.
    public static func stateDictionary(of weights: ViTWeights) -> [String: Tensor] {
        let config = weights.config
        let width = config.embedDim
        var state: [String: Tensor] = [
            "cls_token": weights.classToken.reshaped([1, 1, width]),
            "pos_embed": weights.positionEmbedding.reshaped([1, config.tokens, width]),
            "patch_embed.proj.weight": weights.patchWeight.reshaped(
                [width, config.channels, config.patchSize, config.patchSize]),
            "patch_embed.proj.bias": weights.patchBias,
            "norm.weight": weights.normWeight, "norm.bias": weights.normBias,
            "head.weight": weights.headWeight, "head.bias": weights.headBias,
        ]
        if let token = weights.distillationToken { state["dist_token"] = token.reshaped([1, 1, width]) }
        if let head = weights.distillationHeadWeight { state["head_dist.weight"] = head }
        if let bias = weights.distillationHeadBias { state["head_dist.bias"] = bias }
        for (index, block) in weights.blocks.enumerated() {
            let prefix = "blocks.\(index)."
            state[prefix + "norm1.weight"] = block.norm1Weight
            state[prefix + "norm1.bias"] = block.norm1Bias
            state[prefix + "attn.qkv.weight"] = block.qkvWeight
            state[prefix + "attn.qkv.bias"] = block.qkvBias
            state[prefix + "attn.proj.weight"] = block.projWeight
            state[prefix + "attn.proj.bias"] = block.projBias
            state[prefix + "norm2.weight"] = block.norm2Weight
            state[prefix + "norm2.bias"] = block.norm2Bias
            state[prefix + "mlp.fc1.weight"] = block.fc1Weight
            state[prefix + "mlp.fc1.bias"] = block.fc1Bias
            state[prefix + "mlp.fc2.weight"] = block.fc2Weight
            state[prefix + "mlp.fc2.bias"] = block.fc2Bias
        }
        return state
    }

    /// Writes the weights as an F32 safetensors file with timm's names (what `tools/export_timm.py` writes), e.g.
    /// random weights of timm's shapes for the load benchmark.
    public static func write(_ weights: ViTWeights, to path: String) throws {
        try SafeTensorsFile.write(stateDictionary(of: weights), to: path)
    }
}
