import EventLog

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard output (buffered) and standard error, with colour only on a
/// terminal and never when NO_COLOR is set.
final class Console {
  private var buffer: [UInt8] = []
  let color: Bool
  /// Everything printed on standard output, while recording.
  private(set) var recording: [UInt8]?

  init(environment: [String: String]) {
    let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    color = isatty(1) == 1 && !noColor && environment["TERM"] != "dumb"
    buffer.reserveCapacity(1 << 16)
  }

  /// Prints a line on standard output.
  func line(_ text: String = "") {
    buffer.append(contentsOf: text.utf8)
    buffer.append(0x0a)
    if buffer.count >= 1 << 16 { flush() }
  }

  /// Prints bytes on standard output as they are.
  func write(_ bytes: [UInt8]) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { flush() }
  }

  /// Keeps a copy of what is printed on standard output from now on.
  func record() { recording = [] }

  func flush() {
    recording?.append(contentsOf: buffer)
    if let recorded = recording?.count, recorded > 64 << 20 { recording = nil }  // too big to keep
    writeAll(1, buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Prints a line on standard error at once.
  func error(_ text: String) {
    flush()
    writeAll(2, Array((text + "\n").utf8))
  }

  /// Prints what a writer or `check --repair` repaired on standard error,
  /// `prefix` first: its message, then any bytes it cut, verbatim, on a line of
  /// their own, so that nothing cut is lost.
  func repaired(_ note: RepairNote, prefix: String) {
    error("timeline: \(prefix): \(note.message)")
    if let cut = note.cutBytes { writeAll(2, cut + [0x0a]) }
  }

  private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          return
        }
        done += n
      }
    }
  }

  // MARK: - Styles

  func bold(_ text: String) -> String { style(text, "1") }
  func dim(_ text: String) -> String { style(text, "2") }
  func green(_ text: String) -> String { style(text, "32") }
  func yellow(_ text: String) -> String { style(text, "33") }
  func red(_ text: String) -> String { style(text, "31") }
  func cyan(_ text: String) -> String { style(text, "36") }

  private func style(_ text: String, _ code: String) -> String {
    color && !text.isEmpty ? "\u{1b}[\(code)m\(text)\u{1b}[0m" : text
  }
}

/// Rows of cells padded into aligned columns; `style` colours a cell after padding.
func alignedRows(_ rows: [[String]], indent: Int = 0, style: (Int, Int, String) -> String = { $2 }) -> [String] {
  var widths: [Int] = []
  for row in rows {
    for (column, cell) in row.enumerated() {
      if column >= widths.count { widths.append(0) }
      widths[column] = max(widths[column], displayWidth(cell))
    }
  }
  return rows.enumerated().map { rowIndex, row in
    var text = String(repeating: " ", count: indent)
    for (column, cell) in row.enumerated() {
      let last = column == row.count - 1
      text += style(rowIndex, column, cell)
      if !last { text += String(repeating: " ", count: widths[column] - displayWidth(cell) + 2) }
    }
    while text.hasSuffix(" ") { text.removeLast() }
    return text
  }
}

/// Terminal columns a text takes: East Asian wide characters count twice.
func displayWidth(_ text: String) -> Int {
  var width = 0
  for character in text {
    guard let scalar = character.unicodeScalars.first else { continue }
    switch scalar.value {
    case 0x1100...0x115f, 0x2e80...0xa4cf, 0xac00...0xd7a3, 0xf900...0xfaff, 0xfe30...0xfe4f, 0xff00...0xff60,
      0xffe0...0xffe6, 0x1f300...0x1f64f, 0x1f900...0x1f9ff, 0x20000...0x3fffd:
      width += 2
    default:
      width += 1
    }
  }
  return width
}

/// Replaces control characters so that one value stays on one line of text output.
func oneLine(_ text: String) -> String {
  var result = ""
  for scalar in text.unicodeScalars {
    switch scalar.value {
    case 0x0a: result += "\\n"
    case 0x0d: result += "\\r"
    case 0x09: result += "\\t"
    case 0x00...0x1f, 0x7f, 0x202a...0x202e, 0x2066...0x2069:
      result += "\\u{\(String(scalar.value, radix: 16))}"
    default: result.unicodeScalars.append(scalar)
    }
  }
  return result
}
