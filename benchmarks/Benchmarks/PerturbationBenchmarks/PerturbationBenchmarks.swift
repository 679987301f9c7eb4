import Benchmark
import Evaluation
import Foundation
import Tensor
import ViT

/// Perturbation-curve throughput on ViT-B/16 at 224 with random weights of timm's shapes, compared with
/// `python3 tools/bench_torch.py --perturbation` (the reference scripts' batch-1 loop) run in the same session.
let benchmarks: @Sendable () -> Void = {
    AllocatorTuning.keepLargeBlocks()
    BLAS.threadCount = ProcessInfo.processInfo.environment["BENCH_THREADS"].flatMap(Int.init) ?? 2
    guard let config = ViTConfig.preset(named: "vit_base_patch16_224") else { return }
    let model = ViTModel(weights: ViTWeights.random(config: config, seed: 1))
    let pixels = 224 * 224
    let image = Tensor(shape: [3, 224, 224], storage: (0..<(3 * pixels)).map { Float($0 % 251) / 125 - 1 })
    // A 14 x 14 ramp upsampled by nearest (every patch's 256 pixels tie), as `tools/bench_torch.py` builds it.
    let mapValues: [Float] = (0..<pixels).map { index in
        let patch = (index / 224 / 16) * 14 + (index % 224) / 16
        return Float(patch) / 195
    }
    let map = Tensor(shape: [224, 224], storage: mapValues)
    let logits = model.logits(image.reshaped([1, 3, 224, 224]))
    let normalization = PerturbationNormalization(.inception)
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident], warmupIterations: 1, maxDuration: .seconds(30),
        maxIterations: 5)

    var chefer = PerturbationSettings.chefer2021
    chefer.curves = [.init(mode: .deletion, order: .mostRelevantFirst)]
    guard let cheferRunner = try? PerturbationRunner(model: model, settings: chefer, normalization: normalization),
        let agcamRunner = try? PerturbationRunner(model: model, settings: .agc2024, normalization: normalization)
    else { return }

    Benchmark("perturbation curve, Chefer positive (9 perturbed images)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try cheferRunner.curves(image: image, map: map, label: 3, unperturbedLogits: logits))
        }
    }
    Benchmark("perturbation curves, AG-CAM MoRF + LeRF (2 x 11 steps)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try agcamRunner.curves(image: image, map: map, label: 3, unperturbedLogits: logits))
        }
    }
    Benchmark("forward ViT-B/16 logits, 9 x batch 1 (loop)", configuration: configuration) { benchmark in
        let input = image.reshaped([1, 3, 224, 224])
        for _ in benchmark.scaledIterations {
            for _ in 0..<9 { blackHole(model.logits(input)) }
        }
    }
}
