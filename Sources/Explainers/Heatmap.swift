import Imaging
import ScoreMaps
import Tensor

/// A method's map for one image: the raw map as the method computes it, and the rules that bring it to the
/// input resolution.
///
/// `grid` is `[h, w]`: the patch grid (`14 x 14` for ViT-B/16) for attention methods, the input size for
/// pixel-level methods (full LRP, input gradients). ``upsampled(to:)`` and ``normalized(to:)`` follow every
/// reference implementation's post-processing (methods.md §0): bilinear `F.interpolate` with
/// `align_corners=False`, then per-image min-max `(m - min) / (max - min)`.
public struct Heatmap: Sendable {
    /// The raw map before upsampling and normalisation, `[h, w]`.
    public var grid: Tensor

    /// Wraps a raw `[h, w]` map.
    public init(grid: Tensor) {
        precondition(grid.rank == 2 && grid.count > 0, "Heatmap: grid must be a non-empty [h, w], got \(grid.shape)")
        self.grid = grid
    }

    /// Wraps `values` laid out row-major as `[height, width]`.
    public init(values: [Float], height: Int, width: Int) {
        self.init(grid: Tensor(shape: [height, width], storage: values))
    }

    /// The raw map at `size x size`: bilinear (`align_corners=False`, as `F.interpolate`) when the grid is
    /// smaller or larger, the grid itself when it already has that size. Shape `[size, size]`.
    public func upsampled(to size: Int) -> Tensor {
        let height = grid.shape[0]
        let width = grid.shape[1]
        if height == size && width == size { return grid }
        let values = TorchInterpolation.bilinear(
            grid.storage, channels: 1, height: height, width: width, outHeight: size, outWidth: size)
        return Tensor(shape: [size, size], storage: values)
    }

    /// The map at `size x size`, min-max normalised to `[0, 1]` (``MinMaxNormalization``).
    public func normalized(to size: Int) -> NormalizedMap {
        MinMaxNormalization.normalize(upsampled(to: size))
    }
}
