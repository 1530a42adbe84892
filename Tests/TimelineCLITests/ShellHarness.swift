import Foundation

/// Runs a `/bin/sh -c` script (for what `timeline(...)` cannot express: raw
/// bytes in arguments, ulimit, other users, mount namespaces), with the same
/// clean environment as `timeline(...)`.
@discardableResult
func shell(_ script: String, environment: [String: String] = [:]) throws -> RunResult {
  let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-sh-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: scratch) }
  let outURL = scratch.appendingPathComponent("out")
  let errURL = scratch.appendingPathComponent("err")
  FileManager.default.createFile(atPath: outURL.path, contents: nil)
  FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let out = try FileHandle(forWritingTo: outURL)
  let err = try FileHandle(forWritingTo: errURL)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/sh")
  process.arguments = ["-c", script]
  var env = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "NO_COLOR": "1", "TIMELINE_LOCK_TIMEOUT": "10"]
  env.merge(environment) { $1 }
  process.environment = env
  process.standardOutput = out
  process.standardError = err
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  try out.close()
  try err.close()
  return RunResult(
    status: process.terminationStatus,
    stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
    stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}
