// swift-tools-version:6.0
import PackageDescription

// SHA-256 (content ids, `basis` digests) runs through the processor's SHA
// extensions where it has them (Sources/EventLog/Hash/SHA256.swift checks
// at run time); these flags only let the compiler emit those instructions.
#if arch(x86_64)
  let eventLogSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mssse3", "-Xcc", "-msse4.1", "-Xcc", "-msha"])]
#else
  let eventLogSettings: [SwiftSetting] = []
#endif

let package = Package(
  name: "timeline",
  products: [
    .executable(name: "timeline", targets: ["timeline"])
  ],
  targets: [
    .target(name: "EventLog", swiftSettings: eventLogSettings),
    .target(name: "Projections", dependencies: ["EventLog"]),
    .executableTarget(name: "timeline", dependencies: ["Projections", "EventLog"]),
    // The tests' random log generator and naive recompute-from-scratch model,
    // shared by ProjectionsTests (against the library) and TimelineCLITests
    // (against the binary).
    .target(name: "ReferenceModel", dependencies: ["EventLog"], path: "Tests/ReferenceModel"),
    .testTarget(name: "EventLogTests", dependencies: ["EventLog", "ReferenceModel"]),
    .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "EventLog", "ReferenceModel"]),
    // Fixtures are read by path (Paths.swift), not bundled.
    .testTarget(name: "TimelineCLITests", dependencies: ["timeline", "ReferenceModel"], exclude: ["Fixtures"]),
  ]
)
