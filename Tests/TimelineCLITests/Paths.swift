import Foundation

/// The repository's root, found from this file's place in it.
let checkoutRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

/// A file of Tests/TimelineCLITests/Fixtures.
func fixture(_ name: String) -> String { checkoutRoot + "/Tests/TimelineCLITests/Fixtures/" + name }

/// The shared folder beside the repository (`../shared`: the data sets and
/// test data, never copied into it), or where $TIMELINE_SHARED points.
let sharedRoot: String? = {
  let candidates: [String?] = [
    ProcessInfo.processInfo.environment["TIMELINE_SHARED"],
    URL(fileURLWithPath: checkoutRoot).deletingLastPathComponent().appendingPathComponent("shared").path,
  ]
  return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/data/SOURCES.md") }
}()

/// The public data sets.
let sharedData = (sharedRoot ?? checkoutRoot + "/../shared") + "/data"

/// Whether ../shared is there; the tests that read its data sets need it.
let sharedDataIsThere = sharedRoot != nil

func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

/// A log in `dir` holding the events of a fixture file, added with `add --stdin`.
func logFrom(_ fixtureName: String, in dir: String) throws -> String {
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  let log = dir + "/log"
  let added = try timeline(["--log", log, "add", "--stdin"], stdin: try contents(fixture(fixtureName)))
  struct AddFailed: Error { var message: String }
  guard added.status == 0 else { throw AddFailed(message: "add --stdin of \(fixtureName) failed: \(added.stderr)") }
  return log
}
