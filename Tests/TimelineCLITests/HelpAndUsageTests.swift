import Foundation
import Testing

// help, --help, --version, did-you-mean, missing logs, colour.

@Test func versionPrintsTheVersionAlone() throws {
  let result = try timeline(["--version"])
  #expect(result.status == 0)
  #expect(result.stdout.hasPrefix("timeline "))
  #expect(result.lines.count == 1)
  #expect(result.stderr.isEmpty)
}

@Test(arguments: [["help"], ["--help"], ["-h"]])
func mainHelpListsEveryCommand(arguments: [String]) throws {
  let result = try timeline(arguments)
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty)
  #expect(result.stdout.contains("Usage: timeline [--log PATH] [--today DATE] <command> [options]"))
  for command in ["init", "add", "retract", "log", "state", "diff", "lineage", "strategy", "check", "help"] {
    #expect(result.stdout.contains("\n  \(command) "), "\(command)")
  }
}

@Test(arguments: ["add", "retract", "log", "state", "diff", "lineage", "strategy", "check", "help"])
func commandHelpShowsUsageAndOptions(command: String) throws {
  let viaFlag = try timeline([command, "--help"])
  let viaHelp = try timeline(["help", command])
  #expect(viaFlag.status == 0)
  #expect(viaFlag.stdout.hasPrefix("Usage: timeline \(command)"))
  #expect(viaFlag.stdout == viaHelp.stdout)
  #expect(viaFlag.stdout.contains("--log PATH"))
  #expect(try timeline(["--help", command]).stdout == viaFlag.stdout, "--help before the command")
}

@Test(arguments: [
  ("state", ["--at", "--known-at", "--org", "--min-confidence", "--json"]),
  ("add", ["--date", "--org", "--subject", "--set", "--confidence", "--source-title", "--source-url", "--source-publisher", "--source-date", "--note", "--supersedes", "--id", "--stdin", "--dry-run"]),
  ("log", ["--from", "--to", "--org", "--kind", "--subject", "--min-confidence", "--json"]),
  ("diff", ["--org", "--min-confidence", "--json"]),
  ("lineage", ["--at", "--min-confidence", "--json"]),
  ("strategy", ["--org", "--from", "--to", "--min-confidence", "--json"]),
  ("check", ["--repair", "--json"]),
  ("retract", ["--reason", "--date", "--confidence"]),
])
func helpListsEveryOptionOfDesign(command: String, options: [String]) throws {
  let help = try timeline([command, "--help"]).stdout
  for option in options { #expect(help.contains(option + " ") || help.contains(option + "\n"), "\(command) \(option)") }
}

@Test func noCommandPrintsHelpOnStandardErrorAndExits64() throws {
  let result = try timeline([])
  #expect(result.status == 64)
  #expect(result.stdout.isEmpty)
  #expect(result.stderr.contains("Usage: timeline"))
}

@Test(arguments: [
  (["stat"], "unknown command 'stat'", "did you mean \"state\""),
  (["lineag"], "unknown command 'lineag'", "did you mean \"lineage\""),
  (["chekc"], "unknown command 'chekc'", "did you mean \"check\""),
  (["state", "--att", "2025"], "unknown option --att", "did you mean \"--at\""),
  (["state", "--jsn"], "unknown option --jsn", "did you mean \"--json\""),
  (["add", "launch", "--subjet", "openai/x"], "unknown option --subjet", "did you mean \"--subject\""),
  (["log", "--kinds", "launch"], "unknown option --kinds", "did you mean \"--kind\""),
  (["--verison"], "unknown option --verison", "did you mean \"--version\""),
])
func mistypedCommandOrOptionGetsADidYouMean(arguments: [String], message: String, hint: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(log)
    let result = try timeline(["--log", log] + arguments)
    #expect(snapshot(log) == before)
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("timeline: error: "))
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stderr.contains(hint), "\(result.stderr)")
  }
}

@Test(arguments: [["state"], ["diff", "2025-11", "2025-12"], ["lineage"], ["strategy"], ["log"], ["check"], ["retract", "abc", "--reason", "r"]])
func aQueryOnAMissingLogExits66(arguments: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let missing = dir + "/no-such-log"
    let result = try timeline(["--log", missing] + arguments)
    #expect(result.status == 66)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("timeline: error: "))
    #expect(result.stderr.contains(missing))
    #expect(!FileManager.default.fileExists(atPath: missing), "a query creates nothing")
  }
}

/// Runs the binary under a pseudo-terminal (util-linux `script`), so that standard output is a terminal.
func onTerminal(_ arguments: [String], environment: [String: String]) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
  let command = ([timelineBinary] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
  process.arguments = ["-qec", command, "/dev/null"]
  process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self)
}

@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
func colourOnlyOnATerminalWithoutNoColor() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let arguments = ["--log", log, "state", "--at", "2025-12"]
    let coloured = try onTerminal(arguments, environment: ["TERM": "xterm"])
    #expect(coloured.contains("\u{1B}["), "a terminal gets colour (the control case)")
    #expect(!(try onTerminal(arguments, environment: ["TERM": "xterm", "NO_COLOR": "1"])).contains("\u{1B}"), "NO_COLOR")
    #expect(!(try onTerminal(arguments, environment: ["TERM": "dumb"])).contains("\u{1B}"), "TERM=dumb")
    #expect(!(try onTerminal(arguments + ["--json"], environment: ["TERM": "xterm"])).contains("\u{1B}"), "JSON never")
  }
}

@Test func noEscapesWhenOutputIsAPipeEvenWithoutNoColor() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    for command in [["state", "--at", "2025-12"], ["log"], ["diff", "2025-11", "2025-12"], ["lineage"], ["strategy"], ["check"]] {
      let result = try timeline(["--log", log] + command, environment: ["NO_COLOR": "", "TERM": "xterm"])
      #expect(!result.stdout.contains("\u{1B}"), "\(command)")
      #expect(!result.stderr.contains("\u{1B}"), "\(command)")
    }
  }
}

@Test func mainHelpAlignsEveryOptionsDescription() throws {
  let lines = try timeline(["help"]).lines
  guard let start = lines.firstIndex(of: "Options for every command:") else { Issue.record("no options section"); return }
  let rows = lines[(start + 1)...].prefix { !$0.isEmpty }
  #expect(rows.count == 4, "--log, --today, --help, --version")
  let columns = Set(rows.map { row in row.distance(from: row.startIndex, to: row.range(of: #"\S  +\S"#, options: .regularExpression)!.upperBound) })
  #expect(columns.count == 1, "\(Array(rows))")
}
