// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "timeline",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "timeline", targets: ["timeline"])
  ],
  targets: [
    .target(name: "EventLog"),
    .target(name: "Projections", dependencies: ["EventLog"]),
    .executableTarget(name: "timeline", dependencies: ["Projections", "EventLog"]),
    .testTarget(name: "EventLogTests", dependencies: ["EventLog"]),
    .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "EventLog"]),
    .testTarget(name: "TimelineCLITests", dependencies: ["timeline"]),
  ]
)
