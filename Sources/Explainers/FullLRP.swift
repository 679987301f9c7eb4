import Tensor
import ViT

/// Full LRP to the pixels as Chefer et al.'s `generate_LRP(method="full")` on `ViT_orig_LRP` computes it
/// (methods.md §2.5): one-hot relevance at the class logit, the `layers_lrp.py` ("orig") rules through every
/// block, the position-embedding add, the prefix tokens dropped, the z^B rule through the patch embedding, then
/// the sum over the colour channels. The map is `[S, S]` at the input resolution (no upsampling). Needs forward
/// and one LRP pass with the orig rules (pixels included).
///
/// Quirk kept: Chefer's LRP model uses a final LayerNorm epsilon of 1e-5; the engine runs the model's own (timm:
/// 1e-6), so relevances differ from a run of Chefer's model by that epsilon's effect (methods.md §8).
package struct FullLRP: ExplanationMethod {
    package let id: String
    package let finalNorm: LRPFinalNorm

    package static let descriptor = MethodDescriptor(
        id: "lrp",
        summary: "Full LRP (orig rules) down to the pixels, summed over channels",
        citation: "Binder et al. 2016 / Chefer et al., CVPR 2021, baseline full_lrp (ViT_orig_LRP, layers_lrp.py)",
        passes: "forward + LRP (orig, to pixels)",
        options: [SharedMethodOptions.finalNorm], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        FullLRP(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        finalNorm = options[SharedMethodOptions.finalNorm]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, .relevance(.original, toPixels: true, finalNorm: finalNorm)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        guard let pixels = context.relevance(rules: .original, toPixels: true, finalNorm: finalNorm).pixelMap else {
            throw .unsupportedModel(method: id, reason: "the LRP pass returned no pixel relevance")
        }
        return Heatmap(grid: pixels)
    }
}
