/// Text laid out to a width: help paragraphs, option tables, usage synopses,
/// examples, and lines cut to fit a terminal.

/// Breaks `text` at spaces into lines of at most `width` columns, the first
/// indented by `firstIndent` (default `indent`) and the rest by `indent`; a
/// word longer than a line is cut.
func wrap(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> [String] {
  wrapWords(text.split(separator: " ").map(String.init), width: width, indent: indent, firstIndent: firstIndent ?? indent)
}

/// Puts words on lines of at most `width` columns, one space between them.
/// `suffix` ends every line but the last (" \\" for a shell command).
func wrapWords(_ words: [String], width: Int, indent: Int, firstIndent: Int, suffix: String = "") -> [String] {
  var lines: [String] = []
  var current = String(repeating: " ", count: firstIndent)
  var currentWidth = firstIndent
  var empty = true
  let room = { (lineIndent: Int) in max(8, width - lineIndent - displayWidth(suffix)) }
  func newLine() {
    lines.append(current + suffix)
    current = String(repeating: " ", count: indent)
    currentWidth = indent
    empty = true
  }
  for word in words where !word.isEmpty {
    var word = word
    let wordWidth = displayWidth(word)
    if !empty && currentWidth + 1 + wordWidth > width - displayWidth(suffix) { newLine() }
    // A word longer than a whole line is cut into pieces that fit.
    while displayWidth(word) > room(currentWidth) && empty {
      let (head, tail) = splitAtWidth(word, room(currentWidth))
      current += head
      word = tail
      newLine()
    }
    if word.isEmpty { continue }
    if !empty {
      current += " "
      currentWidth += 1
    }
    current += word
    currentWidth += displayWidth(word)
    empty = false
  }
  if !empty || lines.isEmpty { lines.append(current) }
  return lines.map { line in
    var line = line
    while line.hasSuffix(" ") { line.removeLast() }
    return line
  }
}

/// The longest prefix of `text` that is at most `width` columns wide, and the rest.
func splitAtWidth(_ text: String, _ width: Int) -> (String, String) {
  var used = 0
  var index = text.startIndex
  while index < text.endIndex {
    let next = displayWidth(String(text[index]))
    if used + next > width { break }
    used += next
    index = text.index(after: index)
  }
  if index == text.startIndex && index < text.endIndex { index = text.index(after: index) }  // at least one character
  return (String(text[..<index]), String(text[index...]))
}

/// A two-column table (a name and its help) fitted to `width`: the help
/// column starts after the widest name that is not too wide, long help
/// wraps with its continuation lines under the help column, and a name too
/// wide for the column puts its help on the next line.
func helpTable(_ rows: [[String]], indent: Int = 2, width: Int) -> [String] {
  let widest = max(12, width * 2 / 5) - indent - 2
  let nameWidth = rows.map { displayWidth($0[0]) }.filter { $0 <= widest }.max() ?? widest
  let column = indent + nameWidth + 2
  var lines: [String] = []
  for row in rows {
    let name = String(repeating: " ", count: indent) + row[0]
    let help = row.count > 1 ? row[1] : ""
    if displayWidth(name) + 2 > column {
      lines.append(name)
      if !help.isEmpty { lines += wrap(help, width: width, indent: column) }
      continue
    }
    var wrapped = wrap(help, width: width, indent: column)
    let first = wrapped.isEmpty ? "" : String(wrapped.removeFirst().dropFirst(column))
    lines.append(first.isEmpty ? name : name + String(repeating: " ", count: column - displayWidth(name)) + first)
    lines += wrapped
  }
  return lines
}

/// A usage synopsis fitted to `width`: it breaks between arguments, never
/// inside `[...]` or between a required option and its value, and continues
/// under the command's first argument.
func wrapUsage(_ text: String, width: Int) -> [String] {
  text.split(separator: "\n").flatMap { line -> [String] in
    let leading = line.prefix { $0 == " " }.count
    var words: [String] = []
    var depth = 0
    for word in line.split(separator: " ") {
      let isValue = words.last.map { $0.hasPrefix("-") && !$0.contains(" ") } == true && !word.hasPrefix("-") && !word.hasPrefix("[")
      if depth > 0 || isValue { words[words.count - 1] += " " + word } else { words.append(String(word)) }
      depth += word.filter { $0 == "[" }.count - word.filter { $0 == "]" }.count
    }
    // Continue under the first argument: after "Usage: timeline add ".
    let head = words.prefix(words.first == "Usage:" ? 3 : 2).map(displayWidth).reduce(0, +) + 3
    let indent = leading + (head <= width / 2 ? head : 4)
    return wrapWords(words, width: width, indent: indent, firstIndent: leading)
  }
}

/// A shell command fitted to `width`: it breaks between words (a quoted
/// string stays whole) with ` \` at the end of each line but the last, so
/// that it can still be pasted into a shell.
func wrapCommand(_ text: String, width: Int, indent: Int) -> [String] {
  var words: [String] = []
  var current = ""
  var quote: Character?
  for character in text {
    if let open = quote {
      current.append(character)
      if character == open { quote = nil }
    } else if character == "\"" || character == "'" {
      quote = character
      current.append(character)
    } else if character == " " {
      if !current.isEmpty { words.append(current) }
      current = ""
    } else {
      current.append(character)
    }
  }
  if !current.isEmpty { words.append(current) }
  // An option stays on the line of its value.
  var pieces: [String] = []
  for word in words {
    if let last = pieces.last, last.hasPrefix("-"), !last.contains(" "), !word.hasPrefix("-"), word != "|" {
      pieces[pieces.count - 1] += " " + word
    } else {
      pieces.append(word)
    }
  }
  return wrapWords(pieces, width: width, indent: indent + 4, firstIndent: indent, suffix: " \\")
}

/// Cells laid out by `alignedRows`, cut to `width` columns: the line ends in
/// `…` at the edge, inside the first cell that does not fit (or after the
/// last that does, when the cut falls in the padding), and the cells after it
/// are left out.
func fitCells(_ row: [String], widths: [Int], indent: Int, width: Int) -> [String] {
  var start = indent
  for (column, cell) in row.enumerated() {
    let cellWidth = displayWidth(cell)
    if start + cellWidth <= width {
      start += widths[column] + 2
      continue
    }
    if start <= width - 1 || column == 0 {
      return Array(row[..<column]) + [splitAtWidth(cell, max(0, width - 1 - start)).0 + "…"]
    }
    // The cut falls in the padding after the previous cell: the ellipsis goes at the edge.
    let previous = row[column - 1]
    let previousStart = start - widths[column - 1] - 2
    let end = previousStart + displayWidth(previous)
    let kept = end <= width - 1
      ? previous + String(repeating: " ", count: width - 1 - end) + "…"
      : splitAtWidth(previous, max(0, width - 1 - previousStart)).0 + "…"
    return Array(row[..<(column - 1)]) + [kept]
  }
  return row
}
