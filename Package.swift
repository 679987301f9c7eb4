// swift-tools-version: 6.1
// The ViT explanation benchmark harness. See ../shared/ARCHITECTURE.md for the module layout.
import PackageDescription

let package = Package(
    name: "vit-explain-bench",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bench", targets: ["BenchCLI"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "ViT", targets: ["ViT"]),
        .library(name: "Explainers", targets: ["Explainers"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "ScoreMaps", targets: ["ScoreMaps"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // SHA-256 of the model weights for run manifests (Sources/BenchCLI/FileDigest.swift).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // MARK: - C wrappers (the only places that see the C libraries' pointers and setjmp)
        .target(
            name: "CPNG",
            linkerSettings: [.linkedLibrary("png16")]
        ),
        .target(
            name: "CJPEG",
            linkerSettings: [.linkedLibrary("jpeg")]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "CAllocator"
        ),
        .target(
            name: "CHDF5",
            linkerSettings: [.linkedLibrary("hdf5_serial"), .linkedLibrary("z")]
        ),

        // MARK: - Libraries
        .target(
            name: "SeededRandom"
        ),
        .target(
            name: "Tensor",
            dependencies: ["COpenBLAS", "CAllocator"]
        ),
        .target(
            name: "Models",
            dependencies: ["Tensor"]
        ),
        .target(
            name: "ScoreMaps",
            dependencies: ["Tensor"]
        ),
        .target(
            name: "ViT",
            dependencies: ["Models", "Tensor", "Imaging", "SeededRandom"]
        ),
        .target(
            name: "Imaging",
            dependencies: ["CPNG", "CJPEG"]
        ),
        .target(
            name: "Datasets",
            dependencies: ["Imaging", "CHDF5", "SeededRandom"]
        ),
        .target(
            name: "Explainers",
            dependencies: ["ViT", "ScoreMaps", "Tensor", "Imaging", "SeededRandom"]
        ),
        .target(
            name: "Reports",
            dependencies: ["Evaluation", "SeededRandom"]
        ),
        .target(
            name: "Harness",
            dependencies: [
                "Datasets", "Imaging", "Tensor", "Models", "ViT", "ScoreMaps", "Explainers", "Evaluation", "Reports",
            ]
        ),
        .target(
            name: "Evaluation",
            dependencies: ["Tensor", "Imaging", "Datasets", "Models", "ScoreMaps"]
        ),

        // MARK: - The command-line tool
        .executableTarget(
            name: "BenchCLI",
            dependencies: [
                "Imaging",
                "Datasets",
                "Tensor",
                "Models",
                "ViT",
                "ScoreMaps",
                "Explainers",
                "Reports",
                "Harness",
                "Evaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // MARK: - Tests
        .target(
            name: "TestSupport",
            dependencies: ["SeededRandom"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "ImagingTests",
            dependencies: ["Imaging", "SeededRandom", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TensorTests",
            dependencies: ["Tensor", "TestSupport"]
        ),
        .testTarget(
            name: "ViTTests",
            dependencies: ["ViT", "Tensor", "Imaging", "SeededRandom", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ExplainersTests",
            dependencies: ["Explainers", "ScoreMaps", "ViT", "Tensor", "Imaging", "SeededRandom", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HarnessTests",
            dependencies: [
                "Harness", "Datasets", "Imaging", "ViT", "ScoreMaps", "Explainers", "Evaluation", "Reports",
                "TestSupport",
            ]
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Evaluation", "TestSupport"]
        ),
        .testTarget(
            name: "EvaluationTests",
            dependencies: [
                "Evaluation", "Tensor", "Imaging", "Datasets", "Models", "ScoreMaps", "ViT", "SeededRandom",
                "TestSupport",
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DatasetsTests",
            dependencies: ["Datasets", "Imaging", "SeededRandom", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "BenchCLITests",
            dependencies: [
                "BenchCLI", "Datasets", "Imaging", "Tensor", "ViT", "Evaluation", "Reports", "Harness", "Explainers",
                "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
