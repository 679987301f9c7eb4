import Tensor
import ViT

/// Input × gradient (Shrikumar et al. 2016, "Not just a black box"; Captum `InputXGradient`): `x ⊙ ∂y_c/∂x`
/// summed over colour channels, a pixel-level `[S, S]` map.
///
/// `x` is the normalised input the model sees (what Captum multiplies by). Reads the context's standard
/// backward (`∂y/∂x`, `[1, C, S, S]`), so it costs no extra pass. `reduce=signed` (default) is the signed channel
/// sum `Σ_c x_c ∂y/∂x_c` (Captum's attribution summed over the channel axis); `reduce=abs` its magnitude (Captum's
/// `sign="absolute_value"` view); `max` and `sum` as in ``Saliency``. `grad=logit` (default) or `probability`.
public struct InputXGradient: ExplanationMethod {
    public let id: String
    public let reduction: ChannelReduction
    public let gradientOf: GradientOf

    public init(reduction: ChannelReduction = .signed, gradientOf: GradientOf = .logit) {
        self.reduction = reduction
        self.gradientOf = gradientOf
        var id = "input-x-gradient"
        if reduction != .signed { id += ":reduce=\(reduction.rawValue)" }
        if gradientOf != .logit { id += ":grad=\(gradientOf.rawValue)" }
        self.id = id
    }

    public static let descriptor = MethodDescriptor(
        id: "input-x-gradient",
        summary: "Normalised input times its gradient, summed over colour channels (pixel level)",
        citation: "Shrikumar et al., arXiv 1605.01713 (2016); Captum InputXGradient",
        passes: "forward + backward (shared)",
        options: [
            "reduce=signed: channel reduction, signed (Σ_c), abs (|Σ_c|), sum (Σ_c |·|) or max (max_c |·|)",
            "grad=logit: differentiate the logit or the probability",
        ],
        isClassSpecific: true
    ) { (options: inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        InputXGradient(
            reduction: try options.choice("reduce", default: ChannelReduction.signed),
            gradientOf: try options.choice("grad", default: GradientOf.logit))
    }

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, .gradients(gradientOf.backwardTarget, .standard)]
    }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        var product = context.gradients(target: gradientOf.backwardTarget).input.storage
        let input = context.input.storage
        for index in product.indices { product[index] *= input[index] }
        let size = context.config.imageSize
        let map = product.withUnsafeBufferPointer { reduction.reduce($0, channels: context.config.channels) }
        return Heatmap(values: map, height: size, width: size)
    }
}
