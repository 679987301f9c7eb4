import Foundation
import Imaging

/// How an image becomes a model input `[3, size, size]`: timm's eval transform (`transforms_imagenet_eval` in
/// `timm/data/transforms_factory.py`) or Hugging Face's `ViTImageProcessor`, with each field overridable.
public struct PreprocessingSettings: Equatable, Sendable {
    /// The resize policy.
    public enum Policy: String, Sendable, CaseIterable {
        /// timm's `crop_mode='center'`: `Resize(floor(size / cropPct))` of the shorter side (aspect kept), then
        /// `CenterCrop(size)`.
        case timm
        /// timm's `crop_mode='squash'`: `Resize((s, s))` with `s = floor(size / cropPct)`, then `CenterCrop(size)`;
        /// with `cropPct == 1` this is `Resize((size, size))`, as `ViTImageProcessor` and the AG-CAM and Chefer
        /// evaluations do, and a `size x size` input passes unchanged.
        case squash
    }

    /// The output side in pixels (the model's image size).
    public var size: Int
    /// The per-channel mean and standard deviation of `Normalize`, applied to `value / 255`.
    public var normalization: ChannelNormalization
    /// Pillow's resampling filter (timm's `interpolation`; torchvision resizes PIL images with Pillow).
    public var interpolation: PILResize.Filter
    /// timm's `crop_pct` (in `(0, 1]`).
    public var cropPct: Double
    public var policy: Policy

    public init(
        size: Int, normalization: ChannelNormalization, interpolation: PILResize.Filter, cropPct: Double,
        policy: Policy
    ) {
        self.size = size
        self.normalization = normalization
        self.interpolation = interpolation
        self.cropPct = cropPct
        self.policy = policy
    }

    /// The settings of a named model.
    ///
    /// - A timm name or `name.tag` in the generated table (`timmPretrained`: timm 1.0.31's `get_pretrained_cfg` for
    ///   every ViT/DeiT tag of the preset sizes; an untagged name means timm's default tag) uses that config.
    /// - `google/vit-*` (Hugging Face `ViTImageProcessor`): mean = std = 0.5, bilinear, squash to `size`.
    /// - Other `deit*` names: ImageNet mean/std, bicubic, crop_pct 0.9 (timm `deit.py` `_cfg`); other `vit*` names:
    ///   0.5, bicubic, 0.9 (timm `vision_transformer.py` `_cfg`); anything else: timm's `DEFAULT_CROP_PCT` 0.875,
    ///   ImageNet mean/std, bilinear (the `resolve_data_config` defaults).
    /// The size is the table's, else ``ViTConfig/preset(named:)``'s image size, else 224.
    public init(model name: String) {
        let key = name.lowercased()
        if let known = Self.timmPretrained[key] {
            self = known
            return
        }
        let size = ViTConfig.preset(named: name)?.imageSize ?? 224
        let base = String(key.split(separator: ".", maxSplits: 1).first ?? "")
        if key.hasPrefix("google/") {
            self.init(
                size: size, normalization: .inception, interpolation: .bilinear, cropPct: 1,
                policy: .squash)
        } else if base.hasPrefix("deit") {
            self.init(
                size: size, normalization: .imageNet, interpolation: .bicubic, cropPct: 0.9,
                policy: .timm)
        } else if base.hasPrefix("vit") {
            self.init(
                size: size, normalization: .inception, interpolation: .bicubic, cropPct: 0.9,
                policy: .timm)
        } else {
            self.init(
                size: size, normalization: .imageNet, interpolation: .bilinear, cropPct: 0.875,
                policy: .timm)
        }
    }

    /// The side the image is resized to before the centre crop: timm's `math.floor(img_size / crop_pct)`.
    public var scaleSize: Int { Int((Double(size) / cropPct).rounded(.down)) }
}
