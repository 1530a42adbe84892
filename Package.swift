// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "timeline",
  products: [
    .executable(name: "timeline", targets: ["timeline"])
  ],
  targets: [
    .target(name: "EventLog"),
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
