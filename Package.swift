// swift-tools-version:6.0
// LucidDrag: semantic-aware drag-based image editing, as services that talk protobuf over ZeroMQ.
import PackageDescription

let package = Package(
    name: "LucidDrag",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LucidProto", targets: ["LucidProto"]),
        .library(name: "LucidImage", targets: ["LucidImage"]),
        .library(name: "LucidReasoning", targets: ["LucidReasoning"]),
        .executable(name: "luciddrag", targets: ["luciddrag"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The .proto contract (Shared/Protos) compiled to Swift by scripts/generate-protos.sh.
        .target(
            name: "LucidProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Shared/LucidProto"
        ),
        // PNG (libpng simplified API) and JPEG (libjpeg) in memory, with C-side error handling.
        .target(
            name: "CImageCodecs",
            path: "Shared/CImageCodecs",
            linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]
        ),
        // 8-bit grey/RGB images and masks: codecs, decoding from the contract, resizing.
        .target(
            name: "LucidImage",
            dependencies: ["CImageCodecs", "LucidProto"],
            path: "Shared/LucidImage"
        ),
        .testTarget(
            name: "LucidImageTests",
            dependencies: ["LucidImage", "LucidProto"],
            path: "Tests/LucidImageTests"
        ),
        // The reasoner's backends: built-in (geometry), OpenAI-compatible (HTTP), fallback between them.
        .target(
            name: "LucidReasoning",
            dependencies: ["LucidImage", "LucidProto", .product(name: "Logging", package: "swift-log")],
            path: "Shared/LucidReasoning",
            resources: [.copy("Prompts")]
        ),
        .testTarget(
            name: "LucidReasoningTests",
            dependencies: ["LucidReasoning", "LucidImage", "LucidProto"],
            path: "Tests/LucidReasoningTests"
        ),
        // The reasoner benchmark on demo-world drag tasks (used by `luciddrag bench reasoner`).
        .target(
            name: "LucidReasoningBench",
            dependencies: ["LucidReasoning", "LucidImage", "LucidProto"],
            path: "Shared/LucidReasoningBench"
        ),
        // The command-line client: embedded serving, client calls, benchmarks.
        .executableTarget(
            name: "luciddrag",
            dependencies: [
                "LucidProto",
                "LucidReasoning",
                "LucidReasoningBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/luciddrag"
        ),
    ],
    swiftLanguageModes: [.v5]
)
