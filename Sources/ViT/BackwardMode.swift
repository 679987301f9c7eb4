/// Which graph a backward pass differentiates.
public enum BackwardMode: Sendable, Equatable {
    /// The model as it is: gradients flow through every path, attention's q/k/v included.
    case standard
    /// The official AG-CAM code's pass (methods.md §1.1 and §8): inside every attention block the input of
    /// q/k/v (the `norm1` output) is detached, `x = x.detach()`. The forward values are unchanged; gradients
    /// still reach each block's `A` and `S` (through `A·v → proj → residual stream`) but never flow back into
    /// the residual stream through q, k or v, so the stream's gradient passes only skip connections and MLPs.
    case detachedAttentionInputs
}
