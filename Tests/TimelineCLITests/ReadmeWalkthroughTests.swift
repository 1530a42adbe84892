import Foundation
import Testing

// The README's "Walkthrough: December 2025" shows commands run on the shipped
// log with their outputs. These tests run exactly those commands through the
// built binary, from the repository root with --log events/, and compare what
// they print with what the README says, so the README cannot drift from the
// program. After a deliberate output change, `scripts/update-walkthrough`
// rewrites the README's outputs; review the diff and commit it.

/// The heading of the README's walkthrough section.
let walkthroughHeading = "## Walkthrough: December 2025"

/// The walkthrough lives in docs/walkthrough.md; the README shows a taste of
/// it under the same heading. Both are run.
private let walkthroughFiles = ["README.md", "docs/walkthrough.md"]

/// One `$ timeline ...` line of the walkthrough and the output printed under it.
struct WalkthroughCommand: CustomTestStringConvertible, Sendable {
  /// The command as written, without the `$ `.
  var command: String
  /// The arguments after `timeline`, split as sh would split them.
  var arguments: [String]
  /// The lines under the command, up to the next `$ ` line or the end of the block.
  var expected: [String]
  /// 1-based line of the command in its file.
  var line: Int
  /// The file it is in, from the repository root.
  var file = "README.md"

  var testDescription: String { "\(file):\(line): $ \(command)" }
}

enum WalkthroughError: Error, CustomStringConvertible {
  case missing(String)
  case unbalanced(line: Int, String)

  var description: String {
    switch self {
    case .missing(let what): "README.md: \(what)"
    case .unbalanced(let line, let what): "README.md:\(line): \(what)"
    }
  }
}

/// Reads a section of a Markdown file (the walkthrough by default): every
/// ```sh block, every `$ timeline ...` line in it.
func walkthroughCommands(readme text: String, heading: String = walkthroughHeading, file: String = "README.md") throws -> [WalkthroughCommand] {
  let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  guard let start = lines.firstIndex(of: heading) else {
    throw WalkthroughError.missing("no \"\(heading)\" section")
  }
  var commands: [WalkthroughCommand] = []
  var fenced = false
  var current: WalkthroughCommand?
  for index in (start + 1)..<lines.count {
    let line = lines[index]
    if !fenced {
      if line.hasPrefix("## ") { break }
      if line == "```sh" { fenced = true }
      continue
    }
    if line == "```" {
      fenced = false
      if let done = current { commands.append(done) }
      current = nil
    } else if line.hasPrefix("$ ") {
      if let done = current { commands.append(done) }
      current = nil
      let command = String(line.dropFirst(2))
      let words = try shellWords(command, line: index + 1)
      guard words.first == "timeline" else { continue }
      current = WalkthroughCommand(command: command, arguments: Array(words.dropFirst()), expected: [], line: index + 1, file: file)
    } else {
      current?.expected.append(line)
    }
  }
  if fenced { throw WalkthroughError.unbalanced(line: lines.count, "a ```sh block of the walkthrough is not closed") }
  return commands
}

/// Splits a command line as sh does for the simple forms a README uses:
/// blanks separate words, '...' is literal, "..." allows \" \\ \$ \`.
func shellWords(_ text: String, line: Int) throws -> [String] {
  var words: [String] = []
  var word = ""
  var inWord = false
  var iterator = Array(text).makeIterator()
  while let character = iterator.next() {
    switch character {
    case " ", "\t":
      if inWord { words.append(word) }
      word = ""
      inWord = false
    case "'":
      inWord = true
      var closed = false
      while let next = iterator.next() {
        if next == "'" { closed = true; break }
        word.append(next)
      }
      if !closed { throw WalkthroughError.unbalanced(line: line, "unterminated ' in: \(text)") }
    case "\"":
      inWord = true
      var closed = false
      while let next = iterator.next() {
        if next == "\"" { closed = true; break }
        if next == "\\" {
          guard let escaped = iterator.next() else { break }
          if !"\"\\$`".contains(escaped) { word.append("\\") }
          word.append(escaped)
        } else {
          word.append(next)
        }
      }
      if !closed { throw WalkthroughError.unbalanced(line: line, "unterminated \" in: \(text)") }
    case "\\":
      inWord = true
      if let escaped = iterator.next() { word.append(escaped) }
    default:
      inWord = true
      word.append(character)
    }
  }
  if inWord { words.append(word) }
  return words
}

private func allWalkthroughCommands() throws -> [WalkthroughCommand] {
  try walkthroughFiles.flatMap { file in
    try walkthroughCommands(readme: String(contentsOfFile: checkoutRoot + "/" + file, encoding: .utf8), file: file)
  }
}

/// The walkthrough's commands, read once for the parameterized test (an
/// unreadable file gives none, and `walkthroughCoversTheStory` fails).
private let readmeCommands: [WalkthroughCommand] = (try? allWalkthroughCommands()) ?? []

@Test func walkthroughCoversTheStory() throws {
  let commands = try allWalkthroughCommands()
  let subcommands = Set(commands.compactMap { $0.arguments.first { !$0.hasPrefix("-") } })
  for needed in ["check", "state", "diff", "lineage", "strategy", "log"] {
    #expect(subcommands.contains(needed), "the walkthrough shows no `timeline \(needed)`")
  }
  #expect(commands.contains { $0.arguments.contains("--known-at") }, "the walkthrough shows no --known-at")
  for command in commands {
    #expect(!command.arguments.contains("--log"), "\(command.testDescription): the walkthrough runs on the shipped log; leave --log out")
    if ["state", "lineage", "diff"].contains(command.arguments.first ?? "") {
      // diff takes its dates as positionals; state and lineage need --at, or the output would depend on today.
      #expect(command.arguments.first == "diff" || command.arguments.contains("--at"),
              "\(command.testDescription): pass --at, so the output does not depend on today's date")
    }
  }
}

@Test(arguments: readmeCommands)
func walkthroughOutputMatchesTheProgram(_ command: WalkthroughCommand) throws {
  let result = try timeline(["--log", checkoutRoot + "/events"] + command.arguments, in: checkoutRoot)
  let expected = command.expected.isEmpty ? "" : command.expected.joined(separator: "\n") + "\n"
  #expect(result.status == 0, "\(command.testDescription) exited \(result.status): \(result.stderr)")
  #expect(result.stderr == "", "\(command.testDescription) wrote to standard error: \(result.stderr)")
  if result.stdout != expected {
    let actual = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let wanted = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let first = (0..<min(actual.count, wanted.count)).first { actual[$0] != wanted[$0] } ?? min(actual.count, wanted.count)
    let readmeLine = command.line + 1 + first
    Issue.record("""
      \(command.testDescription): the README shows output the program does not print.
      First difference at \(command.file):\(readmeLine):
        README:  \(first < wanted.count ? wanted[first] : "(end of output)")
        program: \(first < actual.count ? actual[first] : "(end of output)")
      If the change is deliberate, run scripts/update-walkthrough and commit the file.
      Full output:
      \(result.stdout)
      """)
  }
}

@Test func walkthroughParserReadsBlocks() throws {
  let text = """
    # t
    ## Walkthrough: December 2025
    text
    ```sh
    $ timeline state --at 2025-12-10
    State

    end
    $ timeline log --subject 'a b' --note "x \\"y\\""
    ```
    ```json
    $ timeline ignored
    ```
    ## Next
    ```sh
    $ timeline outside
    ```
    """
  let commands = try walkthroughCommands(readme: text)
  #expect(commands.map(\.arguments) == [["state", "--at", "2025-12-10"], ["log", "--subject", "a b", "--note", "x \"y\""]])
  #expect(commands.map(\.expected) == [["State", "", "end"], []])
  #expect(commands.map(\.line) == [5, 9])
}

@Test func shippedLogIsClean() throws {
  let result = try timeline(["--log", checkoutRoot + "/events", "check", "--json"], in: checkoutRoot)
  #expect(result.status == 0)
  let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
  #expect((report?["errors"] as? [Any])?.isEmpty == true, "check found errors: \(result.stdout)")
  #expect((report?["warnings"] as? [Any])?.isEmpty == true, "check found warnings: \(result.stdout)")
}

/// The README's "JSON output" names every top-level key each command prints
/// (with its nested keys for the entries), so that scripts can be written from it.
@Test func readmeJSONOutputNamesEveryKeyTheCommandsPrint() throws {
  let readme = try contents(checkoutRoot + "/README.md")
  guard let section = readme.components(separatedBy: "## JSON output").dropFirst().first,
    let block = section.components(separatedBy: "```").dropFirst().first
  else {
    Issue.record("README has no JSON output block")
    return
  }
  // Each command's text: from its name at the start of a line to the next name.
  var shapes: [String: String] = [:]
  var current = ""
  for line in block.split(separator: "\n") {
    if let word = line.split(separator: " ").first, line.first != " " { current = String(word) }
    shapes[current, default: ""] += line + "\n"
  }
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    let asked: [(String, [String])] = [
      ("state", ["state", "--at", "2025-12-31"]), ("diff", ["diff", "2025-11", "2025-12-31"]),
      ("news", ["news", "--since", "2025-01-01", "--at", "2025-12-31"]), ("why", ["why", "openai/sora", "--at", "2025-12-31"]),
      ("lineage", ["lineage", "--at", "2025-12-31"]), ("strategy", ["strategy"]), ("log", ["log"]), ("check", ["check"]),
    ]
    for (name, arguments) in asked {
      let document = try json(arguments, log: log)
      guard case .object(let top) = document, let shape = shapes[name] else {
        Issue.record("\(name): no shape in the README, or not an object")
        continue
      }
      var keys = Set(top.keys)
      // One level down, where the README spells entries out.
      if name == "state", case .object(let orgs)? = top["orgs"], let org = orgs.values.first, case .object(let sections) = org {
        keys.formUnion(sections.keys)
        for case .object(let entries) in sections.values {
          if case .object(let entry)? = entries.values.first, entry["event"] != nil { keys.formUnion(entry.keys) }
        }
      }
      if case .array(let items)? = top["shifts"] ?? top["entries"] ?? top["changes"], case .object(let item)? = items.first {
        keys.formUnion(item.keys)
      }
      for key in keys.sorted() {
        #expect(shape.contains("\"\(key)\""), "README's \(name) shape lacks \"\(key)\"")
      }
    }
  }
}
