import Tensor
import ViT

/// The random floor: i.i.d. uniform values on the patch grid, `[g, g]`, the score any real method must beat.
///
/// Deterministic per image: ``SeededNoise`` seeded with `seed=` (default 0) mixed with the image id
/// (``SeededNoise/seed(_:imageID:)``: XOR with the id's FNV-1a hash), then one ``SeededNoise/uniform()`` per
/// patch in row-major order. Without an image id every image gets the same map. Needs no pass; not
/// class-specific.
package struct RandomBaseline: ExplanationMethod {
    package let id: String
    package let seed: UInt64

    package static let seedOption = MethodOption("seed", default: 0, in: 0...Int.max, help: "base seed")

    package static let descriptor = MethodDescriptor(
        id: "random",
        summary: "Uniform random values on the patch grid (floor), seeded per image",
        citation: "Baseline; seed mixed with the image id (FNV-1a), SplitMix64 uniforms",
        passes: "none", options: [seedOption], isClassSpecific: false
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        RandomBaseline(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        seed = UInt64(options[Self.seedOption])
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [] }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let grid = context.config.gridSize
        var noise = SeededNoise(seed: SeededNoise.seed(seed, imageID: context.imageID))
        return Heatmap(values: (0..<(grid * grid)).map { _ in noise.uniform() }, height: grid, width: grid)
    }
}
