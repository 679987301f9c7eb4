import Tensor
import ViT

/// Full LRP to the pixels as Chefer et al.'s `generate_LRP(method="full")` on `ViT_orig_LRP` computes it
/// (methods.md §2.5): one-hot relevance at the class logit, the `layers_lrp.py` ("orig") rules through every
/// block, the position-embedding add, the prefix tokens dropped, the z^B rule through the patch embedding, then
/// the sum over the colour channels. The map is `[S, S]` at the input resolution (no upsampling). Needs one LRP
/// pass with the orig rules (pixels included; its own float64 forward).
///
/// The pass is float64 (``ViTModel/relevance(_:batchIndex:classIndex:rules:toPixels:finalNorm:budgetBytes:)``),
/// as Chefer's code after `model.double()`: in float32 the z-rules' near-zero denominators make the map follow
/// the BLAS kernel's summation order. Quirk switch: `final-eps=chefer` runs the final LayerNorm with Chefer's
/// 1e-5 instead of the model's own (timm: 1e-6, the default), methods.md §8.
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
        [.relevance(.original, toPixels: true, finalNorm: finalNorm)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        guard let pixels = context.relevance(rules: .original, toPixels: true, finalNorm: finalNorm).pixelMap else {
            throw .unsupportedModel(method: id, reason: "the LRP pass returned no pixel relevance")
        }
        return Heatmap(grid: pixels)
    }
}
