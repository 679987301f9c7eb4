import Tensor
import ViT

/// Forward and backward passes over a batch of modified copies of one input (integrated-gradients steps,
/// SmoothGrad samples), in chunks so that the traces of a large batch are never all held at once.
package enum InputGradientBatch {
    /// For `images` inputs `[C, S, S]` filled by `fill(index, pixels)`, runs one batched forward and one batched
    /// backward per chunk of at most `chunk` images and hands each image's `∂y/∂x` (`[C, S, S]`, of `target` for
    /// `targetClass`) to `consume(index, gradient)` in index order.
    package static func run(
        model: ViTModel, images: Int, chunk: Int, targetClass: Int, target: BackwardTarget,
        fill: (Int, UnsafeMutableBufferPointer<Float>) -> Void,
        consume: (Int, UnsafeBufferPointer<Float>) -> Void
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
            gradients.input.storage.withUnsafeBufferPointer { buffer in
                for image in 0..<count {
                    consume(start + image, UnsafeBufferPointer(rebasing: buffer[(image * size)..<((image + 1) * size)]))
                }
            }
            start += count
        }
    }
}
