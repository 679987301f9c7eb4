import Foundation
import Tensor
import ViT

/// The centre-bias floor: an isotropic Gaussian centred on the patch grid, `[g, g]`, independent of the image.
///
/// `m[i, j] = exp(-((i - c)² + (j - c)²) / (2 (σ g)²))` with `c = (g - 1) / 2` (the grid's centre, between
/// patches for an even `g`) and `σ = sigma=` (default 0.25) as a fraction of the grid side, in double precision.
/// Objects in ImageNet-style photos sit near the centre, so this floor is much higher than ``RandomBaseline``'s.
/// Needs no pass; not class-specific.
public struct CenterBaseline: ExplanationMethod {
    public let id: String
    public let sigma: Double

    public init(sigma: Double = 0.25) {
        precondition(sigma > 0, "CenterBaseline: sigma must be positive")
        self.sigma = sigma
        id = sigma == 0.25 ? "center" : "center:sigma=\(sigma)"
    }

    public static let descriptor = MethodDescriptor(
        id: "center",
        summary: "Centred Gaussian on the patch grid (centre-bias floor)",
        citation: "Baseline; sigma as a fraction of the grid side",
        passes: "none",
        options: ["sigma=0.25: standard deviation as a fraction of the grid side"],
        isClassSpecific: false
    ) { (options: inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        CenterBaseline(sigma: try options.real("sigma", default: 0.25, in: 0.001...100))
    }

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [] }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let grid = context.config.gridSize
        let centre = Double(grid - 1) / 2
        let deviation = sigma * Double(grid)
        var values = [Float](repeating: 0, count: grid * grid)
        for row in 0..<grid {
            for column in 0..<grid {
                let squared =
                    (Double(row) - centre) * (Double(row) - centre)
                    + (Double(column) - centre) * (Double(column) - centre)
                values[row * grid + column] = Float(exp(-squared / (2 * deviation * deviation)))
            }
        }
        return Heatmap(values: values, height: grid, width: grid)
    }
}
