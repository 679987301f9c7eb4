import Tensor
import ViT

/// Input × gradient (Shrikumar et al. 2016, "Not just a black box"; Captum `InputXGradient`): `x ⊙ ∂y_c/∂x`
/// summed over colour channels, a pixel-level `[S, S]` map.
///
/// `x` is the normalised input the model sees (what Captum multiplies by). Reads the context's standard
/// backward (`∂y/∂x`, `[1, C, S, S]`), so it costs no extra pass. `reduce=signed` (default) is the signed channel
/// sum `Σ_c x_c ∂y/∂x_c` (Captum's attribution summed over the channel axis); `reduce=abs` its magnitude (Captum's
/// `sign="absolute_value"` view); `max` and `sum` as in ``Saliency``. `grad=logit` (default) or `probability`.
package struct InputXGradient: ExplanationMethod {
    package let id: String
    package let reduction: ChannelReduction
    package let gradientOf: GradientOf

    package static let reduce = MethodOption(
        "reduce", default: ChannelReduction.signed,
        help: "channel reduction, signed (Σ_c), abs (|Σ_c|), sum (Σ_c |·|) or max (max_c |·|)")

    package static let descriptor = MethodDescriptor(
        id: "input-x-gradient",
        summary: "Normalised input times its gradient, summed over colour channels (pixel level)",
        citation: "Shrikumar et al., arXiv 1605.01713 (2016); Captum InputXGradient",
        passes: "forward + backward (shared)", options: [reduce, SharedMethodOptions.grad], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        InputXGradient(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        reduction = options[Self.reduce]
        gradientOf = options[SharedMethodOptions.grad]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, .gradients(gradientOf.backwardTarget, .standard)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        var product = context.gradients(target: gradientOf.backwardTarget).input.storage
        let input = context.input.storage
        for index in product.indices { product[index] *= input[index] }
        let size = context.config.imageSize
        let map = product.withUnsafeBufferPointer { reduction.reduce($0, channels: context.config.channels) }
        return Heatmap(values: map, height: size, width: size)
    }
}
