// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "tablemirror",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tablemirror", targets: ["tablemirror"]),
        .library(name: "BinlogDecoding", targets: ["BinlogDecoding"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian: libmariadb-dev, libzstd-dev, zlib1g-dev).
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's malloc.h (part of libc: nothing to link).
        .systemLibrary(name: "CMalloc"),
        // glibc's sys/xattr.h, for secret files' ACLs (part of libc: nothing to link).
        .systemLibrary(name: "CXattr"),

        // Pure decoding: bytes in, typed events and values out. No I/O.
        .target(name: "BinlogDecoding", dependencies: ["CZstd", "CZlib"], swiftSettings: [
            // Row decoding and output write through class-held buffers on every value; the dynamic exclusivity
            // checks cost ~15% there. Debug builds (and so the tests) keep them.
            .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
        ]),
        // Thin layer over libmariadb: connections, queries, the raw binlog stream, error classes. It takes the
        // server version and GTID-set values from the decoding library (pure, no I/O) rather than a second copy.
        .target(name: "MariaDBClient", dependencies: ["CMariaDB", "BinlogDecoding"]),
        // The replication engine: sources of events, schema lookup, decode sessions, (later) apply.
        .target(name: "TablemirrorEngine", dependencies: [
            "BinlogDecoding", "MariaDBClient", "CMalloc", "CXattr", .product(name: "Logging", package: "swift-log"),
            .product(name: "OrderedCollections", package: "swift-collections"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Hummingbird", package: "hummingbird"),
            // HTTPS on the admin endpoint, and the operator commands' client for it (trusting admin.tls.ca_file).
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
            // The console's pages: HTML templates rendered on the server.
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        // Thin CLI: parses arguments and calls the engine. BuildStamp gives it the git commit for --version.
        .executableTarget(name: "tablemirror", dependencies: [
            "TablemirrorEngine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], plugins: ["BuildStamp"]),
        // Runs scripts/lib/build-stamp.sh (git) when the commit, the index or a source changes; "unknown" without git or a checkout.
        .plugin(name: "BuildStamp", capability: .buildTool()),

        // Shared by the test targets: where the test servers are, and helpers to use them.
        .target(name: "TestSupport", dependencies: ["MariaDBClient"], path: "Tests/TestSupport"),
        .testTarget(name: "BinlogDecodingTests", dependencies: ["BinlogDecoding"]),
        .testTarget(name: "MariaDBClientTests", dependencies: ["MariaDBClient", "BinlogDecoding", "TestSupport"]),
        .testTarget(name: "TablemirrorEngineTests", dependencies: [
            "TablemirrorEngine", "BinlogDecoding", "MariaDBClient", "TestSupport", "CXattr",
            // conf/monitoring's rules are YAML (the monitoring kit's tests read them).
            .product(name: "Yams", package: "Yams"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
