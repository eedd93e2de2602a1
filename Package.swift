// swift-tools-version:6.0
import PackageDescription

/// Howl: provisioning for HPC clusters, driven by a small language.
///
/// Dependencies point one way: howl → Services → Runtime → Lang; howl → BMC → Remote → Runtime.
let package = Package(
  name: "Howl",
  products: [
    .executable(name: "howl", targets: ["howl"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
  ],
  targets: [
    .systemLibrary(name: "CLibedit", path: "Sources/CLibedit", pkgConfig: "libedit",
                   providers: [.apt(["libedit-dev"])]),
    .systemLibrary(name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive",
                   providers: [.apt(["libarchive-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                   providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                   providers: [.apt(["libzstd-dev"])]),
    // epoll, eventfd and sendmmsg for the TFTP transfer loop.
    .target(name: "CLinuxIO"),
    .target(
      name: "Lang",
      dependencies: [
        .product(name: "OrderedCollections", package: "swift-collections"),
        .product(name: "Yams", package: "Yams"),
      ],
      // An interpreter and every value it makes belong to one thread (Howl
      // never shares them), so reference counting in Lang need not be atomic
      // and exclusivity need not be checked at run time: together they make
      // function calls about twice as fast. Tests run serially for this reason.
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked", "-Xfrontend", "-assume-single-threaded"])]),
    .target(
      name: "Runtime",
      dependencies: [
        "Lang", "CArchive", "CZlib", "CZstd",
        .product(name: "OrderedCollections", package: "swift-collections"),
        // Yams builds libyaml as its module CYaml, whose events the store reads.
        .product(name: "Yams", package: "Yams"),
      ]),
    .target(
      name: "Services",
      dependencies: [
        "Runtime", "CLinuxIO",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
      ]),
    // Programs run beside Howl (spawned with a deadline, many at once), and
    // running nodes reached over SSH: what Runtime's RemoteShell asks for.
    .target(name: "Remote", dependencies: ["Runtime"]),
    // The nodes' BMCs through ipmitool or Redfish: what Runtime's BMCController asks for.
    .target(
      name: "BMC",
      dependencies: [
        "Runtime", "Remote",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]),
    .executableTarget(
      name: "howl",
      dependencies: [
        "Services", "BMC", "Remote", "Runtime", "Lang", "CLibedit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    // Fuzz targets, built with libFuzzer by `scripts/fuzz [lang|dhcp|tftp]`:
    // the language, and the boot services' packet parsers.
    .target(name: "FuzzSupport"),
    .executableTarget(name: "LangFuzz", dependencies: ["Lang", "FuzzSupport"]),
    .executableTarget(name: "DHCPFuzz", dependencies: ["Services", "FuzzSupport"]),
    .executableTarget(name: "TFTPFuzz", dependencies: ["Services", "FuzzSupport"]),
    .executableTarget(name: "DNSFuzz", dependencies: ["Services", "Runtime", "FuzzSupport"]),
    // The `.howl` spec-file format shared by the test targets.
    .target(name: "SpecSupport", dependencies: ["Lang"], path: "Tests/SpecSupport"),
    .testTarget(name: "LangTests", dependencies: ["Lang", "SpecSupport"]),
    .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Lang", "SpecSupport"]),
    .testTarget(name: "HowlTests", dependencies: ["Lang", "Runtime"]),
    .testTarget(name: "BMCTests", dependencies: ["BMC", "Remote", "Runtime"]),
    .testTarget(name: "ServicesTests", dependencies: [
      "Services", "Runtime", "BMC", "Remote",
      .product(name: "NIOCore", package: "swift-nio"),
      .product(name: "NIOPosix", package: "swift-nio"),
    ]),
  ],
  swiftLanguageModes: [.v5]
)
