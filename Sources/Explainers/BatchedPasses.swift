import Tensor
import ViT

/// The one chunked forward + backward loop of the batched passes: integrated-gradients steps, SmoothGrad samples
/// and the attention integral of TAM and Beyond Intuition all run many modified copies of one input, in chunks
/// so that the traces of a large batch are never all held at once (``SharedMethodOptions/batch`` says why 2).
package enum BatchedPasses {
    /// For `images` inputs `[C, S, S]` filled by `fill(index, pixels)`, runs one batched forward and one batched
    /// backward (of `target` for `targetClass`) per chunk of at most `chunk` images, in index order, and hands
    /// each chunk's gradients to `consume(first, count, gradients)` (batch entry `b` is image `first + b`).
    package static func run(
        model: ViTModel, images: Int, chunk: Int, targetClass: Int, target: BackwardTarget,
        fill: (Int, UnsafeMutableBufferPointer<Float>) -> Void,
        consume: (_ first: Int, _ count: Int, _ gradients: ViTGradients) -> Void
    ) {
        let config = model.config
        let size = config.channels * config.imageSize * config.imageSize
        var start = 0
        while start < images {
            let count = min(max(chunk, 1), images - start)
            var pixels = [Float](repeating: 0, count: count * size)
            pixels.withUnsafeMutableBufferPointer { buffer in
                for image in 0..<count {
                    fill(
                        start + image,
                        UnsafeMutableBufferPointer(rebasing: buffer[(image * size)..<((image + 1) * size)]))
                }
            }
            let batch = Tensor(shape: [count, config.channels, config.imageSize, config.imageSize], storage: pixels)
            let trace = model.forward(batch)
            let gradients = model.backward(
                trace, classes: Array(repeating: targetClass, count: count), target: target)
            consume(start, count, gradients)
            start += count
        }
    }

    /// ``run(model:images:chunk:targetClass:target:fill:consume:)`` handing each image's input gradient `∂y/∂x`
    /// (`[C, S, S]`) to `consume(index, gradient)`, in index order.
    package static func inputGradients(
        model: ViTModel, images: Int, chunk: Int, targetClass: Int, target: BackwardTarget,
        fill: (Int, UnsafeMutableBufferPointer<Float>) -> Void,
        consume: (Int, UnsafeBufferPointer<Float>) -> Void
    ) {
        let config = model.config
        let size = config.channels * config.imageSize * config.imageSize
        run(model: model, images: images, chunk: chunk, targetClass: targetClass, target: target, fill: fill) {
            first, count, gradients in
            gradients.input.storage.withUnsafeBufferPointer { buffer in
                for image in 0..<count {
                    consume(first + image, UnsafeBufferPointer(rebasing: buffer[(image * size)..<((image + 1) * size)]))
                }
            }
        }
    }
}
