import ViT

/// The forward pass that classified an image, held by reference so the image's evaluation can hand it to the
/// explanation contexts and then let go of it.
final class ForwardTrace {
    var trace: ViTTrace?

    init(trace: ViTTrace) {
        self.trace = trace
    }
}
