import Foundation
import Tensor
import ViT

/// The centre-bias floor: an isotropic Gaussian centred on the patch grid, `[g, g]`, independent of the image.
///
/// `m[i, j] = exp(-((i - c)² + (j - c)²) / (2 (σ g)²))` with `c = (g - 1) / 2` (the grid's centre, between
/// patches for an even `g`) and `σ = sigma=` (default 0.25) as a fraction of the grid side, in double precision.
/// Objects in ImageNet-style photos sit near the centre, so this floor is much higher than ``RandomBaseline``'s.
/// Needs no pass; not class-specific.
package struct CenterBaseline: ExplanationMethod {
    package let id: String
    package let sigma: Double

    package static let sigmaOption = MethodOption(
        "sigma", default: 0.25, in: 0.001...100, help: "standard deviation as a fraction of the grid side")

    package static let descriptor = MethodDescriptor(
        id: "center",
        summary: "Centred Gaussian on the patch grid (centre-bias floor)",
        citation: "Baseline; sigma as a fraction of the grid side",
        passes: "none", options: [sigmaOption], isClassSpecific: false
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        CenterBaseline(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        sigma = options[Self.sigmaOption]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [] }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
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
