// swift-tools-version:6.0
// LucidDrag: semantic-aware drag-based image editing, as services that talk protobuf over ZeroMQ.
import PackageDescription

let package = Package(
    name: "LucidDrag",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LucidProto", targets: ["LucidProto"]),
        .library(name: "LucidTensor", targets: ["LucidTensor"]),
        .library(name: "LucidModels", targets: ["LucidModels"]),
        .executable(name: "luciddrag", targets: ["luciddrag"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Debian's OpenBLAS (libopenblas-dev): CBLAS sgemm and thread-count control.
        .systemLibrary(name: "COpenBLAS", path: "Shared/COpenBLAS"),
        // Vectorised C kernels (exp, SiLU, GELU, softmax rows), built at -O3 even in debug builds.
        .target(name: "CLucidKernels", path: "Shared/CLucidKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // Float32 tensors, the Stable Diffusion ops on OpenBLAS, and input gradients (GradientTape).
        .target(
            name: "LucidTensor",
            dependencies: ["COpenBLAS", "CLucidKernels"],
            path: "Shared/LucidTensor",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
        // Forward values and finite-difference gradient checks of every tensor op.
        .testTarget(name: "LucidTensorTests", dependencies: ["LucidTensor"], path: "Tests/LucidTensorTests"),
        // Stable Diffusion 1.x on LucidTensor: module tree, safetensors, diffusers folders, CLIP, UNet, VAE, DDIM.
        .target(name: "LucidModels", dependencies: ["LucidTensor"], path: "Shared/LucidModels"),
        // Loading errors, tokenizer, scheduler and model parity against the PyTorch/diffusers fixtures.
        .testTarget(name: "LucidModelsTests", dependencies: ["LucidModels"], path: "Tests/LucidModelsTests"),
        // The engine benchmark (`luciddrag bench engine`): Swift rows, the PyTorch twin, the table.
        .target(name: "LucidBench", dependencies: ["LucidTensor", "LucidModels"], path: "Shared/LucidBench"),
        // The .proto contract (Shared/Protos) compiled to Swift by scripts/generate-protos.sh.
        .target(
            name: "LucidProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Shared/LucidProto"
        ),
        // The command-line client: embedded serving, client calls, benchmarks.
        .executableTarget(
            name: "luciddrag",
            dependencies: [
                "LucidProto",
                "LucidBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/luciddrag"
        ),
    ],
    swiftLanguageModes: [.v5]
)
