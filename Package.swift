// swift-tools-version:6.0
// LucidDrag: semantic-aware drag-based image editing, as services that talk protobuf over ZeroMQ.
import PackageDescription

let package = Package(
    name: "LucidDrag",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LucidProto", targets: ["LucidProto"]),
        .library(name: "LucidBus", targets: ["LucidBus"]),
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
        // libzmq's C API (Debian libzmq3-dev) as a Swift module.
        .systemLibrary(name: "CZeroMQ", path: "Shared/CZeroMQ"),
        // The service bus: ZeroMQ wrapper, Majordomo 0.2 broker/worker/client, typed RPC over protobuf.
        .target(
            name: "LucidBus",
            dependencies: [
                "CZeroMQ",
                "LucidProto",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/LucidBus"
        ),
        // The bus with real sockets on inproc://, ipc:// and tcp://.
        .testTarget(
            name: "LucidBusTests",
            dependencies: ["LucidBus", "LucidProto"],
            path: "Tests/LucidBusTests"
        ),
        // What every service process shares: configuration from flags/env, signals, lifecycle, Health.
        .target(
            name: "LucidService",
            dependencies: [
                "LucidProto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Shared/LucidService"
        ),
        // The command-line client: embedded serving, client calls, benchmarks.
        .executableTarget(
            name: "luciddrag",
            dependencies: [
                "LucidProto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/luciddrag"
        ),
    ],
    swiftLanguageModes: [.v5]
)
