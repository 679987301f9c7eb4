import Benchmark
import Foundation
import Imaging

/// A 500x375 JPEG like a Pascal VOC photo: smooth gradients with texture, encoded at quality 90.
private func vocSizedJPEG() -> Data {
    let width = 500
    let height = 375
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    var state: UInt32 = 12_345
    for y in 0..<height {
        for x in 0..<width {
            state = state &* 1_664_525 &+ 1_013_904_223
            let noise = Int(state >> 28)
            let index = (y * width + x) * 3
            pixels[index] = UInt8(truncatingIfNeeded: (x * 255 / width + noise) & 0xFF)
            pixels[index + 1] = UInt8(truncatingIfNeeded: (y * 255 / height + ((x / 9) % 2) * 40) & 0xFF)
            pixels[index + 2] = UInt8(truncatingIfNeeded: ((x + y) / 3 + noise * 3) & 0xFF)
        }
    }
    let image = RGBImage(width: width, height: height, pixels: pixels)
    return (try? JPEGCodec.encode(image, quality: 90)) ?? Data()
}

let benchmarks: @Sendable () -> Void = {
    let jpeg = vocSizedJPEG()
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 3, maxDuration: .seconds(10), maxIterations: 200)

    // timm's eval transform: shorter side to 248 (224 / 0.9) bicubic, center crop 224, normalise.
    Benchmark("VOC JPEG 500x375 -> 224x224 input (timm: resize 248 bicubic + crop)", configuration: configuration) {
        benchmark in
        for _ in benchmark.scaledIterations {
            let image = try ImageDecoder.decodeRGB(jpeg)
            let resized = image.resized(shorterSide: 248, filter: .bicubic)
            let input = CenterCrop(size: 224).apply(resized)
            blackHole(input.normalizedPlanes(.inception))
        }
    }

    // The AG-CAM / Chefer evaluations: Resize((224, 224)) bilinear, no crop.
    Benchmark("VOC JPEG 500x375 -> 224x224 input (squash bilinear)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let image = try ImageDecoder.decodeRGB(jpeg)
            let input = image.resized(width: 224, height: 224, filter: .bilinear)
            blackHole(input.normalizedPlanes(.inception))
        }
    }

    let decoded = (try? ImageDecoder.decodeRGB(jpeg)) ?? RGBImage(width: 500, height: 375)
    Benchmark("RGB 500x375 -> 330x248 bicubic resize only", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(decoded.resized(shorterSide: 248, filter: .bicubic))
        }
    }

    let cropped = RGBImage(width: 224, height: 224, fill: (10, 200, 30))
    Benchmark("RGB 224x224 normalise to [3, 224, 224] floats", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(cropped.normalizedPlanes(.inception))
        }
    }

    Benchmark("VOC JPEG 500x375 decode only", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ImageDecoder.decodeRGB(jpeg))
        }
    }
}
