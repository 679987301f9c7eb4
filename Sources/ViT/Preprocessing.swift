import Imaging
import Tensor

/// Turns decoded images into model inputs as timm's eval transform or Hugging Face's `ViTImageProcessor` does.
public enum Preprocessing {
    /// The resized, cropped image before normalisation: `size x size` pixels.
    ///
    /// `timm` policy: torchvision `Resize(scaleSize)` on the PIL image (shorter side, other side by
    /// ``TorchvisionResize/outputSize(width:height:shorterSide:)``, Pillow's filter), then `CenterCrop(size)`.
    /// `squash`: `Resize((scaleSize, scaleSize))`, then `CenterCrop(size)` (a no-op at crop_pct 1). Pillow returns an
    /// unchanged copy when the size does not change, so a `size x size` input passes through a squash unchanged.
    public static func resizedAndCropped(_ image: RGBImage, settings: PreprocessingSettings) -> RGBImage {
        precondition(settings.size > 0 && settings.cropPct > 0, "Preprocessing: size and crop_pct must be positive")
        let scale = settings.scaleSize
        let resized: RGBImage
        switch settings.policy {
        case .timm:
            resized = image.resized(shorterSide: scale, filter: settings.interpolation)
        case .squash:
            resized = image.resized(width: scale, height: scale, filter: settings.interpolation)
        }
        guard resized.width != settings.size || resized.height != settings.size else { return resized }
        return CenterCrop(size: settings.size).apply(resized)
    }

    /// The model input for `image`: `[3, size, size]`, `(value / 255 - mean) / std` per channel in float32 (torchvision
    /// `ToTensor` + `Normalize`).
    public static func input(_ image: RGBImage, settings: PreprocessingSettings) -> Tensor {
        let cropped = resizedAndCropped(image, settings: settings)
        let planes = cropped.normalizedPlanes(settings.normalization)
        return Tensor(shape: [3, settings.size, settings.size], storage: planes)
    }
}
