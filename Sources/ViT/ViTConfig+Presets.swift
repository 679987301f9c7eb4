extension ViTConfig {
    /// The widths, depths and head counts of the named ViT sizes (timm `vision_transformer.py` / `deit.py`, the
    /// ViT paper's table 1, DeiT's tiny and small): tiny 192/12/3, small 384/12/6, base 768/12/12, large 1024/24/16.
    public static let sizes: [String: (embedDim: Int, depth: Int, heads: Int)] = [
        "tiny": (192, 12, 3), "small": (384, 12, 6), "base": (768, 12, 12), "large": (1024, 24, 16),
    ]

    /// Common model names ``preset(named:)`` understands (any size, patch 8/16/32 and image side 224/384 parse).
    public static let commonPresetNames: [String] = [
        "vit_tiny_patch16_224", "vit_small_patch16_224", "vit_base_patch16_224", "vit_base_patch32_224",
        "vit_base_patch8_224", "vit_base_patch16_384", "vit_large_patch16_224", "deit_tiny_patch16_224",
        "deit_small_patch16_224", "deit_base_patch16_224", "deit_tiny_distilled_patch16_224",
        "deit_small_distilled_patch16_224", "deit_base_distilled_patch16_224", "google/vit-base-patch16-224",
    ]

    /// The geometry of a named model, or `nil` when the name does not parse.
    ///
    /// Accepts timm names `{vit|deit}_{tiny|small|base|large}[_distilled]_patch{8|16|32}_{224|384}` (`distilled`
    /// only for `deit`), optionally with a pretrained tag after a dot (`vit_base_patch16_224.augreg2_in21k_ft_in1k`),
    /// and Hugging Face names `google/vit-{size}-patch{P}-{S}` (LayerNorm epsilon 1e-12; the `-in21k` suffix means
    /// 21,843 classes). timm's models use epsilon 1e-6 and 1000 classes; the MLP is `4 * D` throughout.
    public static func preset(named name: String) -> ViTConfig? {
        var text = name.lowercased()
        var huggingFace = false
        if text.hasPrefix("google/") {
            huggingFace = true
            text.removeFirst("google/".count)
            text = text.replacingOccurrences(of: "-", with: "_")
        } else if let dot = text.firstIndex(of: ".") {
            text = String(text[..<dot])
        }
        var tokens = text.split(separator: "_").map(String.init)
        guard tokens.count >= 4, let family = tokens.first, family == "vit" || (family == "deit" && !huggingFace),
            let size = sizes[tokens[1]]
        else { return nil }
        tokens.removeFirst(2)
        let distilled = tokens.first == "distilled"
        if distilled {
            guard family == "deit" else { return nil }
            tokens.removeFirst()
        }
        var classes = 1000
        if huggingFace && tokens.last == "in21k" {
            classes = 21843
            tokens.removeLast()
        }
        guard tokens.count == 2, tokens[0].hasPrefix("patch"), let patch = Int(tokens[0].dropFirst("patch".count)),
            [8, 16, 32].contains(patch), let image = Int(tokens[1]), [224, 384].contains(image)
        else { return nil }
        return ViTConfig(
            imageSize: image, patchSize: patch, embedDim: size.embedDim, depth: size.depth, heads: size.heads,
            classes: classes, layerNormEpsilon: huggingFace ? 1e-12 : 1e-6, distilled: distilled)
    }
}
