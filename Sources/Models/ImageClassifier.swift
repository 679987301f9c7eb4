import Tensor

/// An image classifier as the evaluator sees it: a square input of fixed size and the logits of a batch.
///
/// This is the whole of what the perturbation tests need from a model, so `Evaluation` depends on this protocol
/// and not on any model family. Each family (`ViTModel` today) conforms; the capabilities explanation methods
/// need (attention, LRP, token features) belong to the families, not here.
public protocol ImageClassifier: Sendable {
    /// The input side `S` in pixels: inputs are `[B, channels, S, S]`.
    var inputSize: Int { get }
    /// The input channels (3 for RGB).
    var inputChannels: Int { get }
    /// The number of classes of the head (the width of ``logits(_:)``).
    var classCount: Int { get }
    /// The logits `[B, classCount]` of a batch `[B, inputChannels, inputSize, inputSize]` of normalised pixels,
    /// without keeping anything for a backward pass.
    func logits(_ input: Tensor) -> Tensor
}
