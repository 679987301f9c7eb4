import Tensor
import ViT

/// The one chunked forward + backward loop of the batched passes: integrated-gradients steps, SmoothGrad samples
/// and the attention integral of TAM and Beyond Intuition all run many modified copies of one input through a
/// lean pass (``ViTModel/LeanPass``), in chunks sized by the context's ``PassMemory`` so that a large batch
/// never holds more than the run's memory target allows.
package enum BatchedPasses {
    /// Images per chunk of `pass` over `images` images: `size`'s fixed count, or with `.auto` as many as the
    /// context's memory target leaves room for beside the model and what the context holds now.
    package static func chunk(
        _ size: ChunkSize, pass: ViTModel.LeanPass, images: Int, context: ExplanationContext
    ) -> Int {
        switch size {
        case .images(let count):
            return min(max(count, 1), max(images, 1))
        case .auto:
            let config = context.config
            return context.passMemory.chunk(
                images: images, bytesPerImage: config.leanPassBytesPerImage(pass),
                modelBytes: config.parameterCount * MemoryLayout<Float>.size, heldBytes: context.heldBytes)
        }
    }

    /// For `images` inputs `[C, S, S]` filled by `fill(index, pixels)` in index order, runs `pass` (of `target`
    /// for `targetClass`) per chunk of at most `chunk` images and hands each image's product to
    /// `consume(index, values)` in index order: its input gradient `[C, S, S]` or its last block's attention
    /// gradient `[H, N, N]`.
    package static func products(
        model: ViTModel, pass: ViTModel.LeanPass, images: Int, chunk: Int, targetClass: Int, target: BackwardTarget,
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
            pixels = []
            let classes = Array(repeating: targetClass, count: count)
            let product =
                switch pass {
                case .inputGradient: model.inputGradients(batch, classes: classes, target: target)
                case .lastBlockAttentionGradient:
                    model.lastBlockAttentionGradients(batch, classes: classes, target: target)
                }
            let perImage = product.count / count
            product.storage.withUnsafeBufferPointer { buffer in
                for image in 0..<count {
                    consume(
                        start + image,
                        UnsafeBufferPointer(rebasing: buffer[(image * perImage)..<((image + 1) * perImage)]))
                }
            }
            start += count
        }
    }
}
