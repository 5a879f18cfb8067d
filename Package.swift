// swift-tools-version:6.0
import PackageDescription

// One settings block for every Swift target (style §8.2).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// First-party Swift bundles keep their export list to the entry symbol with a linker version script, and
/// do not bake the build machine's toolchain path into their RUNPATH (the host provides the Swift runtime).
let swiftBundleLinkerSettings: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "--version-script=\(Context.packageDirectory)/bundles/exports.map",
        "-no-toolchain-stdlib-rpath",
    ])
]

/// First-party C bundles export nothing but the entry symbol.
let cBundleSettings: [CSetting] = [.unsafeFlags(["-fvisibility=hidden", "-Wall", "-Wextra", "-Werror"])]
let cBundleLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--version-script=\(Context.packageDirectory)/bundles/exports.map"])
]

let package = Package(
    name: "langbuilder",
    products: [
        .executable(name: "langbuilder", targets: ["langbuilder"]),
        .executable(name: "langbuilder-bundle-tool", targets: ["langbuilder-bundle-tool"]),
        // What third-party bundle authors depend on.
        .library(name: "CLangBuilderABI", targets: ["CLangBuilderABI"]),
        .library(name: "LangBuilderBundleSDK", targets: ["LangBuilderBundleSDK"]),
        .library(name: "LangBuilderCore", targets: ["LangBuilderCore"]),
        .library(name: "LangBuilderStorage", targets: ["LangBuilderStorage"]),
        .library(name: "LangBuilderStorageSQLite", targets: ["LangBuilderStorageSQLite"]),
        // First-party bundles: product name == bundle folder; the file is lib<name>.so.
        .library(name: "std-text", type: .dynamic, targets: ["StdTextBundle"]),
        .library(name: "std-math", type: .dynamic, targets: ["StdMathBundle"]),
        .library(name: "std-cmath", type: .dynamic, targets: ["StdCMathBundle"]),
        .library(name: "langflow-processing", type: .dynamic, targets: ["LangflowProcessingBundle"]),
        .library(name: "langflow-logic", type: .dynamic, targets: ["LangflowLogicBundle"]),
        .library(name: "langflow-utilities", type: .dynamic, targets: ["LangflowUtilitiesBundle"]),
        .library(name: "langflow-io", type: .dynamic, targets: ["LangflowIOBundle"]),
        .library(name: "langflow-models", type: .dynamic, targets: ["LangflowModelsBundle"]),
        .library(name: "langflow-data", type: .dynamic, targets: ["LangflowDataBundle"]),
        .plugin(name: "PackageBundle", targets: ["PackageBundle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // JWTKit 5.8 needs swift-crypto 4.1 or later.
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Multipart bodies (file and flow uploads) and ZIP archives (flow and project import/export).
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // MARK: - ABI
        .target(name: "CLangBuilderABI"),

        // MARK: - Host
        .target(
            name: "CLangBuilderFFI",
            linkerSettings: [.linkedLibrary("ffi")]
        ),
        .target(
            name: "LangBuilderCore",
            dependencies: [
                "CLangBuilderABI",
                "CLangBuilderFFI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Host services (outbound HTTP for bundles over libcurl; only the executable wires it)
        .target(name: "CLangBuilderCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(
            name: "LangBuilderHTTPClient",
            dependencies: ["LangBuilderCore", "CLangBuilderCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Component store (signed index, publishing, atomic installs; HTTP through the injected client)
        .target(
            name: "LangBuilderComponentStore",
            dependencies: [
                "LangBuilderCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Storage (the contract imports no driver; each driver depends on the contract only)
        .target(name: "LangBuilderStorage", swiftSettings: swiftSettings),
        .target(
            name: "LangBuilderStorageSQLite",
            dependencies: ["LangBuilderStorage", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Server
        .target(
            name: "LangBuilderAuth",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LangBuilderServer",
            dependencies: [
                "LangBuilderCore",
                "LangBuilderStorage",
                "LangBuilderAuth",
                "LangBuilderComponentStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Examples")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Bundle authoring
        .target(name: "LangBuilderBundleSDK", dependencies: ["CLangBuilderABI"], swiftSettings: swiftSettings),

        // MARK: - Executables
        .executableTarget(
            name: "langbuilder",
            dependencies: [
                "LangBuilderCore",
                "LangBuilderComponentStore",
                "LangBuilderHTTPClient",
                "LangBuilderServer",
                "LangBuilderStorage",
                "LangBuilderStorageSQLite",
                "LangBuilderAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "langbuilder-bundle-tool",
            dependencies: [
                "LangBuilderCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - First-party bundles (built as .so by the same `swift build`)
        .target(name: "StdTextBundle", dependencies: ["CLangBuilderABI"], path: "bundles/std-text", publicHeadersPath: ".", cSettings: cBundleSettings, linkerSettings: cBundleLinkerSettings),
        .target(name: "StdCMathBundle", dependencies: ["CLangBuilderABI"], path: "bundles/std-cmath", publicHeadersPath: ".", cSettings: cBundleSettings, linkerSettings: cBundleLinkerSettings + [.linkedLibrary("m")]),
        .target(
            name: "StdMathBundle",
            dependencies: ["LangBuilderBundleSDK"],
            path: "bundles/std-math",
            swiftSettings: swiftSettings,
            linkerSettings: swiftBundleLinkerSettings
        ),
        // Langflow's core components under their Langflow names; the support module is linked into each bundle.
        .target(name: "LangflowBundleSupport", dependencies: ["LangBuilderBundleSDK"], path: "bundles/langflow-support", swiftSettings: swiftSettings),
        .target(
            name: "LangflowProcessingBundle",
            dependencies: ["LangBuilderBundleSDK", "LangflowBundleSupport"],
            path: "bundles/langflow-processing",
            swiftSettings: swiftSettings,
            linkerSettings: swiftBundleLinkerSettings
        ),
        .target(
            name: "LangflowLogicBundle",
            dependencies: ["LangBuilderBundleSDK", "LangflowBundleSupport"],
            path: "bundles/langflow-logic",
            swiftSettings: swiftSettings,
            linkerSettings: swiftBundleLinkerSettings
        ),
        .target(
            name: "LangflowUtilitiesBundle",
            dependencies: ["LangBuilderBundleSDK", "LangflowBundleSupport"],
            path: "bundles/langflow-utilities",
            swiftSettings: swiftSettings,
            linkerSettings: swiftBundleLinkerSettings
        ),
        .target(
            name: "LangflowIOBundle",
            dependencies: ["LangBuilderBundleSDK", "LangflowBundleSupport"],
            path: "bundles/langflow-io",
            swiftSettings: swiftSettings,
            linkerSettings: swiftBundleLinkerSettings
        ),
        .target(
            name: "LangflowModelsBundle",
            dependencies: ["LangBuilderBundleSDK", "LangflowBundleSupport"],
            path: "bundles/langflow-models",
            swiftSettings: swiftSettings,
            linkerSettings: swiftBundleLinkerSettings
        ),
        .target(
            name: "LangflowDataBundle",
            dependencies: ["LangBuilderBundleSDK", "LangflowBundleSupport"],
            path: "bundles/langflow-data",
            swiftSettings: swiftSettings,
            linkerSettings: swiftBundleLinkerSettings
        ),

        // MARK: - Package plugins (thin shims over langbuilder-bundle-tool)
        .plugin(
            name: "PackageBundle",
            capability: .command(
                intent: .custom(verb: "package-bundle", description: "Build a bundle product and write <name>.lbbundle/ with its manifest.json"),
                permissions: [.writeToPackageDirectory(reason: "Writes the packaged bundle under dist/")]
            ),
            dependencies: ["langbuilder-bundle-tool"]
        ),

        // MARK: - Benchmarks
        .executableTarget(
            name: "langbuilder-benchmarks",
            dependencies: [
                "LangBuilderCore", "LangBuilderTesting", "CLangBuilderABI", "CLangBuilderFFI",
                "LangBuilderStorage", "LangBuilderStorageSQLite", "LangBuilderServer", "LangBuilderHTTPClient",
            ],
            path: "Benchmarks/LangBuilderBenchmarks",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "langbuilder-hello-bench",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/HelloServer",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "langbuilder-floor-bench",
            dependencies: [
                "LangBuilderCore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/FloorServer",
            swiftSettings: swiftSettings
        ),

        // MARK: - Test support (shipped like HummingbirdTesting) and tests
        .target(name: "LangBuilderTesting", dependencies: ["LangBuilderStorage", "LangBuilderCore"], swiftSettings: swiftSettings),
        .testTarget(name: "CLangBuilderABITests", dependencies: ["CLangBuilderABI"], swiftSettings: swiftSettings),
        .testTarget(name: "LangBuilderCoreTests", dependencies: ["LangBuilderCore", "LangBuilderTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "LangBuilderStorageTests", dependencies: ["LangBuilderStorage", "LangBuilderTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LangBuilderHTTPClientTests",
            dependencies: [
                "LangBuilderHTTPClient", "LangBuilderCore", "LangBuilderTesting", .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LangBuilderStorageSQLiteTests",
            dependencies: ["LangBuilderStorageSQLite", "LangBuilderStorage", "LangBuilderTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LangBuilderBundleSDKTests", dependencies: ["LangBuilderBundleSDK", "CLangBuilderABI"], swiftSettings: swiftSettings),
        .testTarget(name: "LangflowBundleSupportTests", dependencies: ["LangflowBundleSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LangBuilderServerTests",
            dependencies: [
                "LangBuilderServer", "LangBuilderCore", "LangBuilderTesting", "LangBuilderHTTPClient",
                "LangBuilderStorage", "LangBuilderStorageSQLite", "LangBuilderAuth", "LangBuilderComponentStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LangBuilderAuthTests",
            dependencies: ["LangBuilderAuth", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LangBuilderComponentStoreTests",
            dependencies: [
                "LangBuilderComponentStore", "LangBuilderCore", "LangBuilderTesting", "LangBuilderHTTPClient",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["LangBuilderCore", "LangBuilderHTTPClient", "LangBuilderTesting"], swiftSettings: swiftSettings),
    ]
)
