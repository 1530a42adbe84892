import Foundation
import Testing

/// What one run of the built `timeline` binary produced.
struct RunResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// The built binary: beside the test bundle in the build folder, or $TIMELINE_BIN.
let timelineBinary: String = {
  if let path = ProcessInfo.processInfo.environment["TIMELINE_BIN"] { return path }
  let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("timeline").path
}()

/// Runs `timeline` with `arguments`, feeding `stdin`, in `directory`, with a
/// clean environment (no colour, no TIMELINE_LOG unless given).
@discardableResult
func timeline(
  _ arguments: [String], stdin: String? = nil, in directory: String? = nil, environment: [String: String] = [:]
) throws -> RunResult {
  var env = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TIMELINE_LOCK_TIMEOUT": "10"]
  env.merge(environment) { $1 }
  return try run(timelineBinary, arguments, environment: env, in: directory, stdin: Data((stdin ?? "").utf8))
}

/// Runs a program to its end with exactly `environment`, its output and
/// errors captured through files (no pipe to fill), `stdin` as its input (or
/// /dev/null): the one process runner of the tests (timeline, git, sh).
func run(
  _ executable: String, _ arguments: [String], environment: [String: String], in directory: String? = nil, stdin: Data? = nil
) throws -> RunResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.environment = environment
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-run-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: scratch) }
  let outURL = scratch.appendingPathComponent("out")
  let errURL = scratch.appendingPathComponent("err")
  FileManager.default.createFile(atPath: outURL.path, contents: nil)
  FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let out = try FileHandle(forWritingTo: outURL)
  let err = try FileHandle(forWritingTo: errURL)
  process.standardOutput = out
  process.standardError = err
  var input: FileHandle?
  if let stdin {
    let inURL = scratch.appendingPathComponent("in")
    FileManager.default.createFile(atPath: inURL.path, contents: stdin)
    input = try FileHandle(forReadingFrom: inURL)
    process.standardInput = input
  } else {
    process.standardInput = FileHandle.nullDevice
  }
  try process.run()
  process.waitUntilExit()
  try out.close()
  try err.close()
  try input?.close()
  return RunResult(
    status: process.terminationStatus,
    stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
    stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// A fresh temporary folder, removed when the test's closure returns.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: url) }
  return try body(url.path)
}

/// Every file under `path` with its bytes, to assert that a rejected command changed nothing.
func snapshot(_ path: String) -> [String: Data] {
  var result: [String: Data] = [:]
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return result }
  if !isDirectory.boolValue {
    result[path] = FileManager.default.contents(atPath: path)
    return result
  }
  for name in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
    let full = path + "/" + name
    var dir: ObjCBool = false
    if FileManager.default.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue {
      result[full] = FileManager.default.contents(atPath: full)
    }
  }
  return result
}
