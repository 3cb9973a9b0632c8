// swift-tools-version:6.0
// LucidDrag: semantic-aware drag-based image editing, as services that talk protobuf over ZeroMQ.
// Libraries depend one way: services → method → models → tensor; everything may use bus and proto.
import PackageDescription

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let swiftProtobuf = Target.Dependency.product(name: "SwiftProtobuf", package: "swift-protobuf")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
let coreMetrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")

let package = Package(
    name: "LucidDrag",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LucidProto", targets: ["LucidProto"]),
        .library(name: "LucidBus", targets: ["LucidBus"]),
        .library(name: "LucidTensor", targets: ["LucidTensor"]),
        .library(name: "LucidModels", targets: ["LucidModels"]),
        .library(name: "LucidEditing", targets: ["LucidEditing"]),
        .library(name: "LucidImage", targets: ["LucidImage"]),
        .library(name: "LucidReasoning", targets: ["LucidReasoning"]),
        .executable(name: "luciddrag", targets: ["luciddrag"]),
        .executable(name: "luciddrag-gateway", targets: ["luciddrag-gateway"]),
        .executable(name: "luciddrag-reasoner", targets: ["luciddrag-reasoner"]),
        .executable(name: "luciddrag-sampler", targets: ["luciddrag-sampler"]),
        .executable(name: "luciddrag-discriminator", targets: ["luciddrag-discriminator"]),
        .executable(name: "lucid-bus-testworker", targets: ["lucid-bus-testworker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: Contract and bus

        // The .proto contract (Shared/Protos) compiled to Swift by scripts/generate-protos.sh.
        .target(name: "LucidProto", dependencies: [swiftProtobuf], path: "Shared/LucidProto"),
        // libzmq's C API (Debian libzmq3-dev) as a Swift module.
        .systemLibrary(name: "CZeroMQ", path: "Shared/CZeroMQ"),
        // The service bus: ZeroMQ wrapper, Majordomo 0.2 broker/worker/client, typed RPC over protobuf.
        .target(name: "LucidBus", dependencies: ["CZeroMQ", "LucidProto", logging], path: "Shared/LucidBus"),
        // What every service process shares: configuration from flags/env, signals, the ServiceGroup lifecycle, Health.
        .target(
            name: "LucidService",
            dependencies: ["LucidBus", "LucidProto", logging, argumentParser, serviceLifecycle, unixSignals],
            path: "Shared/LucidService"
        ),

        // MARK: Tensor engine and models

        // Debian's OpenBLAS (libopenblas-dev): CBLAS sgemm and thread-count control.
        .systemLibrary(name: "COpenBLAS", path: "Shared/COpenBLAS"),
        // Vectorised C kernels (exp, SiLU, GELU, softmax rows, a direct 3×3 convolution), built at -O3 even in debug builds.
        .target(name: "CLucidKernels", path: "Shared/CLucidKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // Float32 tensors, the Stable Diffusion ops on OpenBLAS, and input gradients (GradientTape).
        .target(
            name: "LucidTensor",
            dependencies: ["COpenBLAS", "CLucidKernels"],
            path: "Shared/LucidTensor",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
        // Stable Diffusion 1.x on LucidTensor: module tree, safetensors, diffusers folders, CLIP, UNet, VAE, DDIM.
        .target(name: "LucidModels", dependencies: ["LucidTensor"], path: "Shared/LucidModels"),
        // The drag-editing method (method.md §2): image↔latent, DDIM inversion with the memory bank, the
        // editing energies, semantic and quality guidance, collaborative sampling, the inversion cache.
        .target(name: "LucidEditing", dependencies: ["LucidModels", "LucidTensor", "LucidImage"], path: "Shared/LucidEditing"),
        // The engine benchmark (`luciddrag bench engine`): Swift rows, the PyTorch twin, the table.
        .target(name: "LucidBench", dependencies: ["LucidTensor", "LucidModels"], path: "Shared/LucidBench"),

        // MARK: Images and the reasoner

        // PNG (libpng simplified API) and JPEG (libjpeg) in memory, with C-side error handling.
        .target(
            name: "CImageCodecs",
            path: "Shared/CImageCodecs",
            linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]
        ),
        // 8-bit grey/RGB images and masks: codecs, decoding from the contract, resizing.
        .target(name: "LucidImage", dependencies: ["CImageCodecs", "LucidProto"], path: "Shared/LucidImage"),
        // The reasoner's backends: built-in (geometry), OpenAI-compatible (HTTP), fallback between them.
        .target(
            name: "LucidReasoning",
            dependencies: ["LucidImage", "LucidProto", logging],
            path: "Shared/LucidReasoning",
            resources: [.copy("Prompts")]
        ),
        // The reasoner as a bus service: the Reason handler and backend settings from flags/env/config file.
        .target(
            name: "LucidReasonerService",
            dependencies: ["LucidReasoning", "LucidBus", "LucidService", "LucidProto", logging, argumentParser],
            path: "Shared/LucidReasonerService"
        ),
        // The sampler as a bus service: the Edit handler, its compute thread, quality guidance over the bus
        // (the Discriminator service's tensor messages).
        .target(
            name: "LucidSamplerService",
            dependencies: [
                "LucidEditing", "LucidModels", "LucidTensor", "LucidImage", "LucidBus", "LucidProto",
                "LucidDiscriminatorService", logging,
            ],
            path: "Shared/LucidSamplerService"
        ),
        // The gateway as a bus service: Gateway.Edit, the reasoner and one sampler edit per intention in parallel.
        .target(
            name: "LucidGatewayService",
            dependencies: ["LucidBus", "LucidProto", "LucidImage", logging],
            path: "Shared/LucidGatewayService"
        ),
        // The reasoner benchmark on demo-world drag tasks (used by `luciddrag bench reasoner`).
        .target(
            name: "LucidReasoningBench",
            dependencies: ["LucidReasoning", "LucidImage", "LucidProto"],
            path: "Shared/LucidReasoningBench"
        ),
        // The edit benchmark (`luciddrag bench edit`): baselines, ablations and the full method on demo-world
        // tasks, ground-truth scores from the checker, the picture grid, the PyTorch twin's timing.
        .target(
            name: "LucidEditBench",
            dependencies: ["LucidEditing", "LucidReasoningBench", "LucidReasoning", "LucidBench", "LucidModels", "LucidTensor",
                           "LucidImage", "LucidProto"],
            path: "Shared/LucidEditBench"
        ),
        // The scale benchmark (`luciddrag bench scale`): fleets of real service processes over ipc:// and
        // tcp://, throughput and latency of edits through the gateway.
        .target(
            name: "LucidScaleBench",
            dependencies: ["LucidBus", "LucidProto", "LucidReasoningBench"],
            path: "Shared/LucidScaleBench"
        ),

        // The HTTP API in front of the gateway: edit jobs, Server-Sent Events, results, reason, health,
        // Prometheus metrics, and the web editor (plain HTML/CSS/JS in Web/, served at /).
        .target(
            name: "LucidHTTPAPI",
            dependencies: [
                "LucidBus", "LucidProto", "LucidImage", hummingbird, serviceLifecycle, logging, swiftProtobuf,
                coreMetrics, prometheus,
            ],
            path: "Shared/LucidHTTPAPI",
            resources: [.copy("openapi.json"), .copy("Web")]
        ),

        // MARK: The discriminator

        // The discriminator as a bus service: Score checked, run on its own thread, answered with the model identity.
        .target(
            name: "LucidDiscriminatorService",
            dependencies: ["LucidBus", "LucidProto", "LucidModels", "LucidTensor", logging],
            path: "Shared/LucidDiscriminatorService"
        ),

        // MARK: Executables

        // The command-line client: embedded serving, client calls, benchmarks.
        .executableTarget(
            name: "luciddrag",
            dependencies: [
                "LucidService", "LucidBus", "LucidProto", "LucidReasoning", "LucidReasoningBench",
                "LucidReasonerService", "LucidGatewayService", "LucidSamplerService", "LucidDiscriminatorService",
                "LucidImage", "LucidBench", "LucidEditBench", "LucidScaleBench", "LucidEditing", "LucidModels", "LucidTensor",
                argumentParser, serviceLifecycle,
            ],
            path: "Services/luciddrag"
        ),
        // The gateway process: the Majordomo broker, the lucid.v1.Gateway service, and the HTTP API (--http).
        .executableTarget(
            name: "luciddrag-gateway",
            dependencies: ["LucidService", "LucidBus", "LucidGatewayService", "LucidHTTPAPI", argumentParser],
            path: "Services/luciddrag-gateway"
        ),
        // A lucid.v1.Reasoner worker process.
        .executableTarget(
            name: "luciddrag-reasoner",
            dependencies: ["LucidService", "LucidReasonerService", argumentParser],
            path: "Services/luciddrag-reasoner"
        ),
        // A lucid.v1.Sampler worker process.
        .executableTarget(
            name: "luciddrag-sampler",
            dependencies: ["LucidService", "LucidSamplerService", "LucidTensor", argumentParser],
            path: "Services/luciddrag-sampler"
        ),
        // A lucid.v1.Discriminator worker process.
        .executableTarget(
            name: "luciddrag-discriminator",
            dependencies: ["LucidService", "LucidDiscriminatorService", "LucidTensor", argumentParser],
            path: "Services/luciddrag-discriminator"
        ),
        // A worker that echoes or sleeps on demand, for tests that kill worker processes mid-request.
        .executableTarget(
            name: "lucid-bus-testworker",
            dependencies: ["LucidService", "LucidBus", argumentParser, swiftProtobuf],
            path: "Services/lucid-bus-testworker"
        ),

        // MARK: Tests

        // What tests share: child processes with logs, free TCP ports, the red-disc drag scene, PSNR, the parity metric.
        .target(name: "LucidTestSupport", dependencies: ["LucidImage", "LucidProto", "LucidTensor"], path: "Tests/LucidTestSupport"),
        // The bus with real sockets on inproc://, ipc:// and tcp://.
        .testTarget(name: "LucidBusTests", dependencies: ["LucidBus", "LucidProto"], path: "Tests/LucidBusTests"),
        // Service configuration and lifecycle, in process.
        .testTarget(name: "LucidServiceTests", dependencies: ["LucidService", "LucidBus", serviceLifecycle],
                    path: "Tests/LucidServiceTests"),
        // Real service processes on real sockets, and the C client of the contract.
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["LucidService", "LucidBus", "LucidProto", "LucidImage", "LucidTestSupport", swiftProtobuf],
            path: "Tests/IntegrationTests"
        ),
        // Forward values and finite-difference gradient checks of every tensor op.
        .testTarget(name: "LucidTensorTests", dependencies: ["LucidTensor"], path: "Tests/LucidTensorTests"),
        // Loading errors, tokenizer, scheduler and model parity against the PyTorch/diffusers fixtures.
        .testTarget(name: "LucidModelsTests", dependencies: ["LucidModels", "LucidTestSupport"], path: "Tests/LucidModelsTests"),
        // The drag edit on the demo model, its parts, and parity with the PyTorch twin of the guided loop.
        .testTarget(name: "LucidEditingTests",
                    dependencies: ["LucidEditing", "LucidModels", "LucidTensor", "LucidImage", "LucidTestSupport"],
                    path: "Tests/LucidEditingTests"),
        // The Sampler service behind a real broker: progress, results, the inversion cache, bad input, cancel.
        .testTarget(name: "SamplerServiceTests", dependencies: ["LucidSamplerService", "LucidEditing", "LucidBus", "LucidImage", "LucidProto"],
                    path: "Tests/SamplerServiceTests"),
        // Codecs on real files, decoding from the contract, resizing.
        .testTarget(name: "LucidImageTests", dependencies: ["LucidImage", "LucidProto"], path: "Tests/LucidImageTests"),
        // The built-in backend, input validation, and the OpenAI backend against a scripted HTTP server.
        .testTarget(
            name: "LucidReasoningTests",
            dependencies: ["LucidReasoning", "LucidImage", "LucidProto", "LucidTestSupport", logging],
            path: "Tests/LucidReasoningTests"
        ),
        // The reasoner service behind a real broker: Swift and Python workers, bad inputs, fallback.
        .testTarget(
            name: "ReasonerServiceTests",
            dependencies: [
                "LucidReasonerService", "LucidReasoning", "LucidImage", "LucidBus", "LucidProto", "LucidTestSupport",
                argumentParser, logging,
            ],
            path: "Tests/ReasonerServiceTests"
        ),
        // The discriminator service behind a real broker: parity with the demo model's goldens, bad requests.
        .testTarget(
            name: "DiscriminatorServiceTests",
            dependencies: ["LucidDiscriminatorService", "LucidModels", "LucidTensor", "LucidBus", "LucidProto"],
            path: "Tests/DiscriminatorServiceTests"
        ),
        // Gateway.Edit behind a real broker, with the built-in reasoner and scripted samplers.
        .testTarget(
            name: "GatewayServiceTests",
            dependencies: [
                "LucidGatewayService", "LucidReasonerService", "LucidReasoning", "LucidImage", "LucidBus", "LucidProto",
                "LucidTestSupport",
            ],
            path: "Tests/GatewayServiceTests"
        ),
        // The HTTP API on a real port with a real broker, gateway, built-in reasoner and demo-model sampler.
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "LucidHTTPAPI", "LucidGatewayService", "LucidReasonerService", "LucidReasoning", "LucidSamplerService",
                "LucidImage", "LucidBus", "LucidProto", "LucidTestSupport",
            ],
            path: "Tests/HTTPAPITests"
        ),
        // The reasoner benchmark's scoring on small task folders.
        .testTarget(
            name: "LucidReasoningBenchTests",
            dependencies: ["LucidReasoningBench", "LucidReasoning", "LucidImage", "LucidProto"],
            path: "Tests/LucidReasoningBenchTests"
        ),
        // The edit benchmark's quick mode on the demo model: the table, the JSON report and the grid are made.
        .testTarget(
            name: "LucidEditBenchTests",
            dependencies: [
                "LucidEditBench", "LucidEditing", "LucidModels", "LucidImage", "LucidReasoning", "LucidReasoningBench",
                "LucidTestSupport",
            ],
            path: "Tests/LucidEditBenchTests"
        ),
    ]
)
