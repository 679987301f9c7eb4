// swift-tools-version: 6.1
// Release-build performance benchmarks (ordo-one/benchmark). A nested package, so its dependencies never
// reach users of the harness. Run: `cd benchmarks && swift package benchmark`.
import Foundation
import PackageDescription

// A path dependency is identified by its directory name, which differs between clones: compute it.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

let package = Package(
    name: "benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ImagingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Imaging", package: rootPackage),
            ],
            path: "Benchmarks/ImagingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Tensor", package: rootPackage),
                .product(name: "ViT", package: rootPackage),
                .product(name: "Explainers", package: rootPackage),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PerturbationBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Evaluation", package: rootPackage),
                .product(name: "Tensor", package: rootPackage),
                .product(name: "ViT", package: rootPackage),
            ],
            path: "Benchmarks/PerturbationBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DatasetBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Datasets", package: rootPackage),
                .product(name: "Imaging", package: rootPackage),
            ],
            path: "Benchmarks/DatasetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EvaluationBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Evaluation", package: rootPackage),
            ],
            path: "Benchmarks/EvaluationBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
