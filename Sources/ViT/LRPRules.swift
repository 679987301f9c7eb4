/// Which of Chefer et al.'s two LRP rule sets (hila-chefer/Transformer-Explainability) propagates relevance.
///
/// Both are run as `ViT_explanation_generator.LRP.generate_LRP` runs them, with `alpha = 1`, so the inhibitor term
/// of the Linear rule is multiplied by `beta = 0` and drops out. They differ in two layers (methods.md §2.4):
/// - Linear: `ours` divides both sign terms by one denominator `Z = x⁺W⁺ᵀ + x⁻W⁻ᵀ`; `original` divides the
///   `x⁺W⁺ᵀ` term and the `x⁻W⁻ᵀ` term each by its own partial sum (so it does not conserve relevance).
/// - Add (residual and position embedding): `ours` rescales the z-rule's two shares so their totals split the
///   incoming total by absolute mass; `original` is the plain z-rule.
public enum LRPRules: String, Sendable, CaseIterable {
    /// `modules/layers_ours.py` with `baselines/ViT/ViT_LRP.py`: transformer attribution (and its `full` mode).
    case ours = "ours"
    /// `modules/layers_lrp.py` with `baselines/ViT/ViT_orig_LRP.py`: the full-LRP and partial-LRP baselines.
    ///
    /// The Linear rule is the stored `layers_lrp.py` at commit 3c9da229 (`S1 = safe_divide(R, Z1)`,
    /// `S2 = safe_divide(R, Z2)`), as methods.md §2.4 states it; another stored version (commit 07d8c725) divides
    /// by `Z1 + Z2` and `Z2 + Z2` instead.
    case original = "orig"
}
