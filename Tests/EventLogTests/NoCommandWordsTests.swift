import Foundation
import Testing

/// EventLog says what went wrong in the log's own terms; the command line
/// (Sources/timeline/Output/ErrorText.swift) adds its option and command
/// names. So no string literal in Sources/EventLog names an option (`--x`)
/// or a command (`timeline add`, `` `check ``, `add --stdin`).
@Test func eventLogStringsNameNoOptionOrCommand() throws {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  let folder = root.appendingPathComponent("Sources/EventLog")
  let commands = "add|check|complete|completion|diff|export|help|import|init|lineage|log|man|news|render|retract|state|strategy|why"
  let patterns = try [
    Regex("--[a-z]"),
    Regex("timeline (\(commands))\\b"),
    Regex("`(\(commands))\\b"),
    Regex("\\b(\(commands)) --"),
  ]
  // Headers of files timeline writes: names of formats, not commands.
  let formatHeaders: Set<String> = ["timeline news mark 1"]
  var found: [String] = []
  let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
  #expect(files.count > 20, "the EventLog sources are found at \(folder.path)")
  for file in files.sorted() {
    let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    for (line, literal) in stringLiterals(source) where !formatHeaders.contains(literal) {
      if patterns.contains(where: { literal.contains($0) }) { found.append("\(file):\(line): \(literal)") }
    }
  }
  #expect(found.isEmpty, "option or command names in EventLog strings:\n\(found.joined(separator: "\n"))")
}

/// The string literals of Swift source (`"..."`, `"""..."""`, `#"..."#`),
/// with their line numbers; an interpolation is kept as written. Comments are skipped.
func stringLiterals(_ source: String) -> [(line: Int, text: String)] {
  let text = Array(source.unicodeScalars)
  var result: [(Int, String)] = []
  var index = 0
  var line = 1
  func at(_ offset: Int, _ string: String) -> Bool {
    let scalars = Array(string.unicodeScalars)
    guard offset + scalars.count <= text.count else { return false }
    return Array(text[offset..<offset + scalars.count]) == scalars
  }
  while index < text.count {
    let scalar = text[index]
    if scalar == "\n" { line += 1 }
    if at(index, "//") {
      while index < text.count && text[index] != "\n" { index += 1 }
      continue
    }
    if at(index, "/*") {
      index += 2
      while index < text.count && !at(index, "*/") {
        if text[index] == "\n" { line += 1 }
        index += 1
      }
      index += 2
      continue
    }
    guard scalar == "\"" || at(index, "#\"") else {
      index += 1
      continue
    }
    let raw = scalar == "#"
    let start = line
    index += raw ? 2 : 1
    let multiline = at(index, "\"\"")
    if multiline { index += 2 }
    var literal = String.UnicodeScalarView()
    var depth = 0
    while index < text.count {
      let c = text[index]
      if c == "\n" { line += 1 }
      if !raw && at(index, "\\(") {
        depth += 1
        literal.append(contentsOf: "\\(".unicodeScalars)
        index += 2
        continue
      }
      if depth > 0 {
        if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
        literal.append(c)
        index += 1
        continue
      }
      if !raw && c == "\\" {
        literal.append(c)
        if index + 1 < text.count { literal.append(text[index + 1]) }
        index += 2
        continue
      }
      if multiline && at(index, "\"\"\"") {
        index += 3
        break
      }
      if !multiline && c == "\"" && (!raw || at(index, "\"#")) {
        index += raw ? 2 : 1
        break
      }
      literal.append(c)
      index += 1
    }
    result.append((start, String(literal)))
  }
  return result
}

/// The scanner finds what it must: a guard against a test that passes by seeing nothing.
@Test func stringLiteralsAreFoundOutsideComments() {
  let source = """
    // "--in-a-comment"
    let a = "plain"
    let b = "with \\(x ? "--nested" : "")"
    let c = #"raw "--x" here"#
    """
  let literals = stringLiterals(source).map(\.text)
  #expect(literals.contains("plain"))
  #expect(literals.contains { $0.contains("--nested") })
  #expect(literals.contains { $0.contains("raw \"--x\" here") })
  #expect(!literals.contains { $0.contains("--in-a-comment") })
}
