import Tensor
import ViT

/// Vanilla gradient saliency (Simonyan, Vedaldi and Zisserman, ICLR 2014 workshop, §3.1): `|∂y_c/∂x|` reduced
/// over colour channels, a pixel-level `[S, S]` map.
///
/// Reads the context's standard backward (`∂y/∂x` of the normalised input, `[1, C, S, S]`), so it costs no pass
/// beyond the one the attention-gradient methods share. `reduce=max` (default) is the paper's
/// `M_ij = max_c |∂y_c/∂x_{c,i,j}|`; `reduce=sum` is `Σ_c |∂y/∂x_c|`, what Captum's `Saliency` (`abs=True`, no
/// channel reduction of its own) gives after `visualize_image_attr` sums the channel axis. `grad=logit` (default,
/// the paper's class score `S_c`) or `grad=probability`.
package struct Saliency: ExplanationMethod {
    package let id: String
    package let reduction: ChannelReduction
    package let gradientOf: GradientOf

    /// Only the two magnitude reductions: a signed sum of the gradient is not what the paper or Captum show.
    package static let reduce = MethodOption(
        "reduce", default: ChannelReduction.max, in: [.max, .sum],
        help: "channel reduction, max (max_c |g|, the paper) or sum (Σ_c |g|, Captum's view)")

    package static let descriptor = MethodDescriptor(
        id: "saliency",
        summary: "Input-gradient magnitude, max over colour channels (pixel level)",
        citation: "Simonyan et al., ICLR 2014 workshop, §3.1; Captum Saliency (abs=True)",
        passes: "forward + backward (shared)", options: [reduce, SharedMethodOptions.grad], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        Saliency(options)
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
        let gradient = context.gradients(target: gradientOf.backwardTarget).input
        let size = context.config.imageSize
        let map = gradient.storage.withUnsafeBufferPointer {
            reduction.reduce($0, channels: context.config.channels)
        }
        return Heatmap(values: map, height: size, width: size)
    }
}
