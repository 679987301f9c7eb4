/// The naming scheme of a ViT checkpoint's tensors.
public enum CheckpointFamily: String, Sendable, CaseIterable {
    /// timm's `VisionTransformer` and `VisionTransformerDistilled` state dicts (`vit_*`, `deit_*`): `cls_token`,
    /// `pos_embed`, `patch_embed.proj.*`, `blocks.{i}.*`, `norm.*`, `head.*`, and for distilled DeiT `dist_token`,
    /// `head_dist.*` (timm `vision_transformer.py`, `deit.py`).
    case timm
    /// Hugging Face `ViTForImageClassification` (`vit.embeddings.*`, `vit.encoder.layer.{i}.*` with separate
    /// query/key/value, `vit.layernorm.*`, `classifier.*`), mapped onto timm's structure as transformers'
    /// `convert_vit_timm_to_pytorch.py` maps timm onto it.
    case huggingFace
    /// The same model under transformers 5's in-memory names (`model.state_dict()` since the modular rewrite:
    /// `vit.layers.{i}.attention.{q,k,v,o}_proj`, `vit.layers.{i}.mlp.fc1/fc2`, `layernorm_before/after`);
    /// `save_pretrained` still writes the names of ``huggingFace``.
    case huggingFaceModular

    /// The family whose class-token key is present, if any.
    public static func detect(keys: some Collection<String>) -> CheckpointFamily? {
        let names = Set(keys)
        if names.contains("cls_token") { return .timm }
        if names.contains("vit.embeddings.cls_token") {
            return names.contains { $0.hasPrefix("vit.layers.") } ? .huggingFaceModular : .huggingFace
        }
        return nil
    }

    /// The LayerNorm epsilon the family's models use: timm's `LayerNorm(eps=1e-6)` in `VisionTransformer`,
    /// transformers' `ViTConfig.layer_norm_eps = 1e-12`.
    public var layerNormEpsilon: Float {
        switch self {
        case .timm: 1e-6
        case .huggingFace, .huggingFaceModular: 1e-12
        }
    }

    /// The key prefix of block `index`.
    func blockPrefix(_ index: Int) -> String {
        switch self {
        case .timm: "blocks.\(index)."
        case .huggingFace: "vit.encoder.layer.\(index)."
        case .huggingFaceModular: "vit.layers.\(index)."
        }
    }

    /// The key prefix shared by all blocks (the index follows it).
    var blocksPrefix: String {
        switch self {
        case .timm: "blocks."
        case .huggingFace: "vit.encoder.layer."
        case .huggingFaceModular: "vit.layers."
        }
    }

    /// The file keys of the class token, position embedding, patch projection weight and classifier weight.
    var classTokenKey: String { self == .timm ? "cls_token" : "vit.embeddings.cls_token" }
    var positionEmbeddingKey: String { self == .timm ? "pos_embed" : "vit.embeddings.position_embeddings" }
    var patchWeightKey: String {
        self == .timm ? "patch_embed.proj.weight" : "vit.embeddings.patch_embeddings.projection.weight"
    }
    var headWeightKey: String { self == .timm ? "head.weight" : "classifier.weight" }
    func fc1WeightKey(block: Int) -> String {
        blockPrefix(block) + (self == .huggingFace ? "intermediate.dense.weight" : "mlp.fc1.weight")
    }

    /// Where one parameter of timm's structure comes from: the file keys (concatenated along the first axis, for
    /// Hugging Face's query, key and value), the shape each has in the file, and the shape of the result.
    struct Source {
        var keys: [String]
        var fileShape: [Int]
        var shape: [Int]
    }

    /// Every parameter of a model of geometry `config`, by timm name, with where it comes from in this family's
    /// files. Shapes in the file are PyTorch's: patch weight `[D, C, P, P]` (flattened to `[D, C*P*P]`, the
    /// `weight.reshape(D, -1)` column order), tokens `[1, 1, D]` (to `[D]`), position embedding `[1, N, D]`
    /// (to `[N, D]`); linear weights `[out, in]` as they are.
    func sources(for config: ViTConfig) -> [String: Source] {
        let width = config.embedDim
        let hidden = config.mlpDim
        var sources: [String: Source] = [:]
        func same(_ name: String, _ key: String, _ shape: [Int]) {
            sources[name] = Source(keys: [key], fileShape: shape, shape: shape)
        }
        let embeddings = self == .timm ? "" : "vit.embeddings."
        sources["cls_token"] = Source(keys: [classTokenKey], fileShape: [1, 1, width], shape: [width])
        sources["pos_embed"] = Source(
            keys: [positionEmbeddingKey], fileShape: [1, config.tokens, width], shape: [config.tokens, width])
        sources["patch_embed.proj.weight"] = Source(
            keys: [patchWeightKey],
            fileShape: [width, config.channels, config.patchSize, config.patchSize],
            shape: [width, config.patchValues])
        same(
            "patch_embed.proj.bias",
            self == .timm ? "patch_embed.proj.bias" : embeddings + "patch_embeddings.projection.bias", [width])
        if config.distilled {
            // Only timm names a distillation token (Hugging Face's DeiT is a different class).
            sources["dist_token"] = Source(keys: ["dist_token"], fileShape: [1, 1, width], shape: [width])
            same("head_dist.weight", "head_dist.weight", [config.classes, width])
            same("head_dist.bias", "head_dist.bias", [config.classes])
        }
        for index in 0..<config.depth {
            let timm = "blocks.\(index)."
            let file = blockPrefix(index)
            switch self {
            case .timm:
                for (name, shape) in [
                    ("norm1.weight", [width]), ("norm1.bias", [width]), ("attn.qkv.weight", [3 * width, width]),
                    ("attn.qkv.bias", [3 * width]), ("attn.proj.weight", [width, width]), ("attn.proj.bias", [width]),
                    ("norm2.weight", [width]), ("norm2.bias", [width]), ("mlp.fc1.weight", [hidden, width]),
                    ("mlp.fc1.bias", [hidden]), ("mlp.fc2.weight", [width, hidden]), ("mlp.fc2.bias", [width]),
                ] {
                    same(timm + name, file + name, shape)
                }
            case .huggingFace, .huggingFaceModular:
                let legacy = self == .huggingFace
                let parts =
                    legacy
                    ? ["attention.attention.query", "attention.attention.key", "attention.attention.value"]
                    : ["attention.q_proj", "attention.k_proj", "attention.v_proj"]
                sources[timm + "attn.qkv.weight"] = Source(
                    keys: parts.map { file + $0 + ".weight" }, fileShape: [width, width], shape: [3 * width, width])
                sources[timm + "attn.qkv.bias"] = Source(
                    keys: parts.map { file + $0 + ".bias" }, fileShape: [width], shape: [3 * width])
                let projection = legacy ? "attention.output.dense" : "attention.o_proj"
                let fc1 = legacy ? "intermediate.dense" : "mlp.fc1"
                let fc2 = legacy ? "output.dense" : "mlp.fc2"
                for (name, key, shape) in [
                    ("norm1.weight", "layernorm_before.weight", [width]),
                    ("norm1.bias", "layernorm_before.bias", [width]),
                    ("attn.proj.weight", projection + ".weight", [width, width]),
                    ("attn.proj.bias", projection + ".bias", [width]),
                    ("norm2.weight", "layernorm_after.weight", [width]),
                    ("norm2.bias", "layernorm_after.bias", [width]),
                    ("mlp.fc1.weight", fc1 + ".weight", [hidden, width]),
                    ("mlp.fc1.bias", fc1 + ".bias", [hidden]),
                    ("mlp.fc2.weight", fc2 + ".weight", [width, hidden]),
                    ("mlp.fc2.bias", fc2 + ".bias", [width]),
                ] {
                    same(timm + name, file + key, shape)
                }
            }
        }
        let finalNorm = self == .timm ? "norm." : "vit.layernorm."
        same("norm.weight", finalNorm + "weight", [width])
        same("norm.bias", finalNorm + "bias", [width])
        same("head.weight", headWeightKey, [config.classes, width])
        same("head.bias", self == .timm ? "head.bias" : "classifier.bias", [config.classes])
        return sources
    }
}
