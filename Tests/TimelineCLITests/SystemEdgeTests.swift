import Foundation
import Testing

// Issue 11, "One edge to the OS": every libc call goes through one file per
// target (`Sys`), and a write to standard output that fails is reported.

/// The folders whose files may import libc: EventLog's and the CLI's `System`.
private let systemFolders = ["Sources/EventLog/System/", "Sources/timeline/System/"]

@Test func onlyTheSystemFoldersImportLibc() throws {
  let root = checkoutRoot + "/"
  let enumerator = try #require(FileManager.default.enumerator(atPath: root + "Sources"))
  var checked = 0
  var offenders: [String] = []
  while let relative = enumerator.nextObject() as? String {
    guard relative.hasSuffix(".swift") else { continue }
    let path = "Sources/" + relative
    checked += 1
    if systemFolders.contains(where: path.hasPrefix) { continue }
    let text = try contents(root + path)
    for line in text.split(separator: "\n") {
      let code = line.trimmingCharacters(in: .whitespaces)
      if code.hasPrefix("//") { continue }
      // (Foundation re-exports Glibc on Linux: it would bring libc in by the side door.)
      for module in ["Glibc", "Darwin", "Musl", "WinSDK", "Foundation"] where code.contains("import \(module)") || code.contains("canImport(\(module))") {
        offenders.append("\(path): \(code)")
      }
    }
  }
  #expect(checked > 50, "the sources were found (\(checked) files)")
  #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
}

/// Projections is pure: it imports EventLog and nothing else (no Foundation,
/// no Dispatch, no libc), so every answer is a function of the facts alone.
@Test func projectionsImportsOnlyEventLog() throws {
  let folder = checkoutRoot + "/Sources/Projections"
  let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".swift") }
  #expect(files.count > 10)
  for file in files {
    for line in try contents(folder + "/" + file).split(separator: "\n") {
      let words = line.split(separator: " ")
      guard let at = words.firstIndex(of: "import"), at + 1 < words.count, words[..<at].allSatisfy({ $0.hasPrefix("@") }) else { continue }
      #expect(words[at + 1] == "EventLog", "Sources/Projections/\(file): \(line)")
    }
  }
}

@Test func thePackageClaimsNoPlatformItDoesNotBuildFor() throws {
  let manifest = try contents(checkoutRoot + "/Package.swift")
  #expect(!manifest.contains(".macOS("), "Darwin is not built nor tested: Package.swift must not claim it")
}

/// A full disk under standard output is an I/O error (74) with a message,
/// not a quiet success that lost the answer.
@Test(arguments: [["state"], ["log"], ["export", "--format", "jsonl"], ["--version"]])
func aFullStandardOutputExitsWith74AndSaysSo(command: [String]) throws {
  try #require(FileManager.default.fileExists(atPath: "/dev/full"))
  try withTemporaryDirectory { dir throws in
    let log = try logFrom("sample.jsonl", in: dir)
    let arguments = (["--log", log] + command).map { "'\($0)'" }.joined(separator: " ")
    let run = try shell("'\(timelineBinary)' \(arguments) > /dev/full")
    #expect(run.status == 74, "\(command): \(run.stderr)")
    #expect(run.stderr.contains("timeline: error: cannot write to standard output: No space left on device"), "\(run.stderr)")
  }
}

/// An add whose id cannot be printed (a full disk under standard output)
/// has appended all the same: 74 says the output failed, and the message
/// says what was appended, with the id, so that no one appends it again.
@Test func anAddWhoseIDCannotBePrintedSaysItAppended() throws {
  try #require(FileManager.default.fileExists(atPath: "/dev/full"))
  try withTemporaryDirectory { dir throws in
    let log = try logFrom("sample.jsonl", in: dir)
    let run = try shell("'\(timelineBinary)' --log '\(log)' add report --date 2025-12-01 --org openai --source-title t > /dev/full")
    #expect(run.status == 74, "\(run.stderr)")
    let said = try #require(run.stderr.firstMatch(of: #/the log was changed all the same: appended 1 event \(([0-9a-f]{12})\) to /#), "\(run.stderr)")
    let listed = try timeline(["--log", log, "log", "--json"])
    #expect(listed.stdout.contains(#""id": "\#(said.1)""#), "the id said is the event appended")
  }
}

/// A reader that goes away (EPIPE, or SIGPIPE when no pager ignores it) still ends the output quietly.
@Test func aReaderThatGoesAwayStillEndsQuietly() throws {
  try withTemporaryDirectory { dir throws in
    let lines = (0..<3000).map { #"{"date":"2025","kind":"report","org":"o\#($0)","note":"n\#($0)"}"# }
    let log = dir + "/big.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: lines.joined(separator: "\n") + "\n").status == 0)
    let run = try shell(
      "{ '\(timelineBinary)' --log '\(log)' log 2>'\(dir)/err'; echo $? >'\(dir)/status'; } | head -1 >/dev/null; cat '\(dir)/status' '\(dir)/err'")
    // Without a pager, SIGPIPE ends it as it ends `cat` (141); never a message or 74.
    #expect(["0\n", "141\n"].contains(run.stdout), "quiet on a closed pipe: \(run.stdout)")
  }
}

/// A file that says it is empty but reads bytes (/proc, /sys) is not an
/// empty log: 66, naming it, where it answered "nothing is known".
@Test func aFileThatSaysItIsEmptyButHoldsBytesIsNotAnEmptyLog() throws {
  try #require(FileManager.default.fileExists(atPath: "/proc/self/status"))
  let result = try timeline(["state"], environment: ["TIMELINE_LOG": "/proc/self/status"])
  #expect(result.status == 66, "\(result.stdout) \(result.stderr)")
  #expect(result.stderr.contains("it says it is empty but holds bytes"), "\(result.stderr)")
  try withTemporaryDirectory { dir in
    try writeLines([], to: dir + "/empty.jsonl")
    #expect(try timeline(["--log", dir + "/empty.jsonl", "state"]).status == 0, "a truly empty file is an empty log")
  }
}
