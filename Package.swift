// swift-tools-version:6.0
// Tools 6.0 means Swift 6 language mode with strict concurrency checking.
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
  // C types stay inside IPCCore: a `package` signature that mentions one does not compile.
  .enableUpcomingFeature("InternalImportsByDefault"),
  .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"]),
]

// Release links of the two tools, for start-up time (issue 18; measured by bench/startup.sh, reasons in the README):
// libstdc++ and libgcc linked in statically (`link/libstdc++.so` is a linker script that stands in for the shared
// library and names the archive), no PIE, and full RELRO (`-z now`). glibc itself stays shared, so NSS works.
let startupLinkerSettings: [LinkerSetting] = [
  .unsafeFlags(
    [
      "-L", Context.packageDirectory + "/link", "-Xclang-linker", "-static-libgcc", "-Xclang-linker", "-no-pie",
      "-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "--no-export-dynamic",
    ],
    .when(configuration: .release)
  )
]

let package = Package(
  name: "swipcs",
  products: [
    .executable(name: "swipcs", targets: ["swipcs"]),
    .executable(name: "swipcrm", targets: ["swipcrm"]),
  ],
  targets: [
    .target(name: "CIPCShim"),
    // The model and its pure parsers (/proc/sysvipc tables, numbers): values in, values out, no system call.
    // The fuzz targets build this target's sources alone.
    .target(name: "IPCModel", swiftSettings: strictSettings),
    .target(name: "IPCCore", dependencies: ["IPCModel", "CIPCShim"], swiftSettings: strictSettings),
    .executableTarget(
      name: "swipcs",
      dependencies: ["IPCCore"],
      swiftSettings: strictSettings,
      linkerSettings: startupLinkerSettings
    ),
    .executableTarget(
      name: "swipcrm",
      dependencies: ["IPCCore"],
      swiftSettings: strictSettings,
      linkerSettings: startupLinkerSettings
    ),
    // The C that only tests call (IPC_SET, SETALL, unshare): kept out of the shipped shim.
    .target(name: "CIPCTestSupport", path: "Tests/CIPCTestSupport"),
    // Test-only helper: creates IPC objects for the end-to-end tests and the benchmark, inside a namespace the
    // caller made. It is not a product and is never installed.
    .executableTarget(
      name: "ipc-fixture",
      dependencies: ["IPCModel", "IPCCore", "CIPCShim", "CIPCTestSupport"],
      path: "Tests/IPCFixture",
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "IPCCoreTests",
      dependencies: ["IPCModel", "IPCCore", "CIPCShim", "CIPCTestSupport"],
      exclude: ["Fixtures"],
      swiftSettings: strictSettings
    ),
    // Depending on the executables makes `swift test` build them first.
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["IPCModel", "IPCCore", "swipcs", "swipcrm", "ipc-fixture"],
      exclude: ["Scripts"],
      swiftSettings: strictSettings
    ),
  ]
)
