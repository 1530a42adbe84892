import Foundation
import Testing

/// Where git is, or nil: the tests that need a real git are skipped without it, saying so.
let gitPath: String? = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Runs git in `directory` as `author` (name and address), with no global or
/// system configuration, a fixed default branch and no editor.
@discardableResult
func git(_ arguments: [String], in directory: String, author: String = "tester", allowFailure: Bool = false) throws -> RunResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: gitPath!)
  process.arguments = ["-c", "user.name=\(author)", "-c", "user.email=\(author)@example.com", "-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false"] + arguments
  process.environment = [
    "PATH": "/usr/bin:/bin", "HOME": directory, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true", "GIT_MERGE_AUTOEDIT": "no", "LC_ALL": "C",
  ]
  process.currentDirectoryURL = URL(fileURLWithPath: directory)
  let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("git-run-\(UUID().uuidString)")
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
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  try out.close()
  try err.close()
  let result = RunResult(
    status: process.terminationStatus,
    stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
    stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
  if !allowFailure {
    #expect(result.status == 0, "git \(arguments.joined(separator: " ")) in \(directory): \(result.stderr)")
  }
  return result
}
