import Foundation
import Testing

/// Where git is, or nil: the tests that need a real git are skipped without it, saying so.
let gitPath: String? = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Runs git in `directory` as `author` (name and address), with no global or
/// system configuration, a fixed default branch and no editor.
@discardableResult
func git(_ arguments: [String], in directory: String, author: String = "tester", allowFailure: Bool = false) throws -> RunResult {
  let result = try run(
    gitPath!,
    ["-c", "user.name=\(author)", "-c", "user.email=\(author)@example.com", "-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false"] + arguments,
    environment: [
      "PATH": "/usr/bin:/bin", "HOME": directory, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
      "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true", "GIT_MERGE_AUTOEDIT": "no", "LC_ALL": "C",
    ],
    in: directory)
  if !allowFailure {
    #expect(result.status == 0, "git \(arguments.joined(separator: " ")) in \(directory): \(result.stderr)")
  }
  return result
}
