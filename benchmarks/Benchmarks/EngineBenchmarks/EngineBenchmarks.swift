import Benchmark
import Explainers
import Foundation
import Tensor
import ViT

/// ViT-B/16 at 224 with random weights of timm's shapes: the figures of issue 3, compared with
/// `python3 tools/bench_torch.py` run in the same session.
let benchmarks: @Sendable () -> Void = {
    AllocatorTuning.keepLargeBlocks()
    BLAS.threadCount = ProcessInfo.processInfo.environment["BENCH_THREADS"].flatMap(Int.init) ?? 2
    guard let config = ViTConfig.preset(named: "vit_base_patch16_224") else { return }
    let weights = ViTWeights.random(config: config, seed: 1)
    let model = ViTModel(weights: weights)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vit-base-random.safetensors").path
    if !FileManager.default.fileExists(atPath: path) {
        do { try Checkpoint.write(weights, to: path) } catch { fatalError("cannot write \(path): \(error)") }
    }
    func images(_ batch: Int) -> Tensor {
        Tensor(shape: [batch, 3, 224, 224], storage: (0..<(batch * 3 * 224 * 224)).map { Float($0 % 251) / 125 - 1 })
    }
    let single = images(1)
    let eight = images(8)
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident], warmupIterations: 2, maxDuration: .seconds(20),
        maxIterations: 10)

    Benchmark("load ViT-B/16 safetensors (346 MB, f32)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Checkpoint.load(contentsOf: path, config: config)) }
    }
    Benchmark("forward ViT-B/16, batch 1 (trace recorded)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(model.forward(single)) }
    }
    Benchmark("forward ViT-B/16, batch 1 (logits only)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(model.logits(single)) }
    }
    Benchmark("forward ViT-B/16, batch 8 (trace recorded)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(model.forward(eight)) }
    }
    Benchmark("forward + backward ViT-B/16, batch 1", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let trace = model.forward(single)
            blackHole(model.backward(trace, classes: [0]))
        }
    }
    Benchmark("forward + backward + detached backward ViT-B/16, batch 1", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let trace = model.forward(single)
            blackHole(model.backward(trace, classes: [0]))
            blackHole(model.backward(trace, classes: [0], mode: .detachedAttentionInputs))
        }
    }
    // Issue 4's budget: every attention and gradient method (not LRP, IG, SmoothGrad) for one image and one class
    // in at most 1.1x one PyTorch forward + backward (`tools/bench_torch.py`, forward_backward_b1_ms).
    // Saliency and input x gradient read the standard backward's input gradient (no extra pass).
    let attentionAndGradientMethods =
        "raw-attention,rollout,gradcam,gae,agc,gxa,gxa-signed,saliency,input-x-gradient"
    Benchmark("all attention/gradient methods, ViT-B/16, one image", configuration: configuration) { benchmark in
        let methods = try MethodRegistry.builtIn.methods(attentionAndGradientMethods)
        for _ in benchmark.scaledIterations {
            let context = try ExplanationContext(model: model, input: single, targetClass: 0)
            for method in methods { blackHole(try method.explain(context)) }
        }
    }
    Benchmark("forward + backward + LRP (ours) ViT-B/16, batch 1", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let trace = model.forward(single)
            blackHole(model.backward(trace, classes: [0]))
            blackHole(model.relevance(trace, batchIndex: 0, classIndex: 0, rules: .ours, toPixels: false))
        }
    }
}
