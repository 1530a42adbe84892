import EventLog

/// The CLI's edge to the terminal: standard output (buffered, and through a
/// pager when it is a terminal and the output does not fit), standard error,
/// colour, the terminal's size. Its system calls go through `Sys` (System/Sys.swift).
final class Console {
  /// `--color`: auto (a terminal, NO_COLOR unset or empty, TERM not dumb), always or never.
  enum ColorMode: String, CaseIterable { case auto, always, never }

  private var buffer: [UInt8] = []
  private(set) var color: Bool
  /// `-q/--quiet`: notes and summaries on standard error are dropped (warnings and errors are not).
  var quiet = false
  /// Everything printed on standard output, while recording.
  private(set) var recording: [UInt8]?
  private let environment: [String: String]
  /// Whether standard output is a terminal.
  let isTerminal: Bool
  /// Whether standard input is a terminal.
  let inputIsTerminal: Bool
  private let terminalSize: (rows: Int, columns: Int)?

  /// The command line of the pager, while output may still go through it.
  private var pagerCommand: String?
  private var pagerPID: Sys.ProcessID?
  private var output: Int32 = 1
  /// The reader of standard output went away (the user quit the pager), or a
  /// write to it failed: print nothing more.
  private var outputClosed = false
  /// The error of a failed write to standard output other than EPIPE (a full
  /// disk, an I/O error): the run then ends with 74 (see `runTimeline`).
  private(set) var outputFailure: Errno?
  /// What the command changed in the log before printing, said with a
  /// failure to print (its output is lost, not its effect), so that no one
  /// appends the same events again on seeing 74.
  var committed: String?

  init(environment: [String: String]) {
    self.environment = environment
    isTerminal = Sys.isTerminal(1)
    inputIsTerminal = Sys.isTerminal(0)
    terminalSize = isTerminal ? Sys.terminalSize(1) : nil
    color = false
    buffer.reserveCapacity(1 << 16)
    setColor(.auto)
  }

  /// `--color`: an explicit `always` wins over NO_COLOR (an option typed beats the environment).
  func setColor(_ mode: ColorMode) {
    switch mode {
    case .always: color = true
    case .never: color = false
    case .auto:
      let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
      color = isTerminal && !noColor && environment["TERM"] != "dumb"
    }
  }

  /// `COLUMNS`, when it is a number of at least 20.
  private var columnsVariable: Int? {
    environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 >= 20 ? $0 : nil }
  }

  /// The width help is wrapped to: COLUMNS, else the terminal's, else 80.
  var width: Int { columnsVariable ?? terminalSize?.columns ?? 80 }

  /// The width text lines are cut to, on a terminal only (nil when piped).
  var fitWidth: Int? { isTerminal ? width : nil }

  // MARK: - Output

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

  /// Prints a large block (a kept answer) straight from its memory: what is
  /// buffered first, then the block, without copying it into the buffer.
  func write(_ bytes: ArraySlice<UInt8>) {
    guard bytes.count >= 1 << 16, pagerCommand == nil, recording == nil else { return write(Array(bytes)) }
    flush()
    guard !outputClosed else { return }
    do { try FileDescriptor(rawValue: output).writeAll(bytes) } catch { outputFailed(error) }
  }

  /// Keeps a copy of what is printed on standard output from now on.
  func record() { recording = [] }

  func flush() {
    if pagerCommand != nil && pagerPID == nil {
      // Output is held until it is known not to fit the terminal.
      guard !fitsTerminal(buffer) else { return }
      startPager()
    }
    recording?.append(contentsOf: buffer)
    if let recorded = recording?.count, recorded > 64 << 20 { recording = nil }  // too big to keep
    writeAll(output, buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Prints a line on standard error at once.
  func error(_ text: String) {
    if pagerCommand == nil || pagerPID != nil { flush() }
    writeAll(2, Array((text + "\n").utf8))
  }

  /// Prints what a writer or `check --repair` repaired on standard error,
  /// `prefix` first: its message, then any bytes it cut, verbatim, on a line of
  /// their own, so that nothing cut is lost. `-q` drops the message only when
  /// no bytes were cut.
  func repaired(_ note: RepairNote, prefix: String) {
    if quiet && note.cutBytes == nil { return }
    error("timeline: \(prefix): \(repairText(note))")
    if let cut = note.cutBytes { writeAll(2, cut + [0x0a]) }
  }

  /// A note or summary on standard error, which `-q` drops.
  func note(_ text: String) {
    if !quiet { error(text) }
  }

  /// Prints what is left and waits for the pager, if one was started.
  func finish() {
    if pagerCommand != nil && pagerPID == nil && fitsTerminal(buffer) { pagerCommand = nil }  // it fits: print directly
    flush()
    guard let pid = pagerPID else { return }
    Sys.close(output)
    output = 1
    Sys.waitForExit(pid)
    pagerPID = nil
  }

  /// Writes standard output's bytes at once, past the buffer (which is
  /// flushed first), to descriptor 1 (`export --follow`, batch by batch).
  /// - Returns: false once standard output is closed or failed.
  func writeNow(_ bytes: [UInt8]) -> Bool {
    flush()
    guard !outputClosed else { return false }
    do { try FileDescriptor.standardOutput.writeAll(bytes) } catch { outputFailed(error) }
    return !outputClosed
  }

  private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    if fd == output && outputClosed { return }
    do { try FileDescriptor(rawValue: fd).writeAll(bytes) } catch {
      // Standard error that cannot be written has nowhere to report to.
      if fd == output { outputFailed(error) }
    }
  }

  /// EPIPE (the reader went away) ends the output quietly; any other error is
  /// kept for the exit status.
  private func outputFailed(_ error: Errno) {
    outputClosed = true
    if error != .brokenPipe && outputFailure == nil { outputFailure = error }
  }

  // MARK: - The pager

  /// Sends standard output through the pager from now on, if it is a terminal
  /// and the output turns out longer than it: $TIMELINE_PAGER, else $PAGER,
  /// else `less -FRX`; an empty variable means no pager.
  func page() {
    guard isTerminal, let size = terminalSize, size.rows > 0 else { return }
    let command: String
    if let chosen = environment["TIMELINE_PAGER"] ?? environment["PAGER"] {
      command = chosen
    } else {
      command = "less -FRX"
    }
    guard !command.allSatisfy({ $0 == " " || $0 == "\t" }), canRun(command) else { return }
    pagerCommand = command
  }

  /// Whether `bytes` fit on the terminal, leaving a line for the prompt.
  private func fitsTerminal(_ bytes: [UInt8]) -> Bool {
    guard let size = terminalSize else { return true }
    var rows = 0
    var lineLength = 0
    for byte in bytes {
      if byte == 0x0a {
        rows += 1 + max(0, lineLength - 1) / size.columns
        lineLength = 0
        if rows >= size.rows { return false }
      } else if byte & 0xc0 != 0x80 {
        lineLength += 1
      }
    }
    rows += lineLength > 0 ? 1 + (lineLength - 1) / size.columns : 0
    return rows < size.rows
  }

  /// Whether the pager's program (its first word) is a file that can be run, on PATH or as a path.
  private func canRun(_ command: String) -> Bool {
    guard let word = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) else { return false }
    if word.contains("/") { return Sys.isExecutable(word) }
    if word.contains(where: { "=;&|<>$`'\"(){}".contains($0) }) { return true }  // shell syntax: let sh decide
    let path = environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { Sys.isExecutable("\($0)/\(word)") }
  }

  /// Starts the pager with a pipe on its standard input; when it cannot be
  /// started, output goes to standard output directly.
  private func startPager() {
    guard let command = pagerCommand else { return }
    pagerCommand = nil
    guard let pipeEnds = Sys.pipe() else { return }
    var childEnvironment = environment
    if childEnvironment["LESS"] == nil { childEnvironment["LESS"] = "FRX" }
    if childEnvironment["LV"] == nil { childEnvironment["LV"] = "-c" }
    let spawned = Sys.spawn(
      ["/bin/sh", "-c", command], environment: childEnvironment, input: pipeEnds.read, output: 1, quiet: false,
      closing: [pipeEnds.read, pipeEnds.write])
    Sys.close(pipeEnds.read)
    guard let pid = spawned else {
      Sys.close(pipeEnds.write)
      return
    }
    // Quitting the pager early closes the pipe: a write then fails with EPIPE, which ends the output quietly.
    Sys.ignoreBrokenPipeSignal()
    pagerPID = pid
    output = pipeEnds.write
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
/// With `fit`, each line is cut to that many columns, the cut cell ending in `…`.
func alignedRows(_ rows: [[String]], indent: Int = 0, fit: Int? = nil, style: (Int, Int, String) -> String = { $2 }) -> [String] {
  var widths: [Int] = []
  widen(&widths, toFit: rows)
  return alignedRows(rows, widths: widths, indent: indent, fit: fit, style: style)
}

/// Widens each column of `widths` to its widest cell among `rows` (a
/// listing read in parts measures every part before laying out any).
func widen(_ widths: inout [Int], toFit rows: [[String]]) {
  for row in rows {
    for (column, cell) in row.enumerated() {
      if column >= widths.count { widths.append(0) }
      widths[column] = max(widths[column], displayWidth(cell))
    }
  }
}

/// `alignedRows` with the columns' widths given.
func alignedRows(_ rows: [[String]], widths: [Int], indent: Int, fit: Int?, style: (Int, Int, String) -> String) -> [String] {
  rows.enumerated().map { rowIndex, row in
    let row = fit.map { fitCells(row, widths: widths, indent: indent, width: $0) } ?? row
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

/// Terminal columns a text takes: East Asian wide characters count twice,
/// and the console's colour sequences (`ESC [ ... m`) not at all: text from
/// the log reaches a cell escaped (`oneLine`), so an escape in it is the
/// console's own.
func displayWidth(_ text: String) -> Int {
  if let width = asciiWidth(text) { return width }
  var width = 0
  var inSequence = false
  for character in text {
    guard let scalar = character.unicodeScalars.first else { continue }
    if inSequence {
      // Parameters and intermediates, up to the final byte (0x40-0x7e).
      if (0x40...0x7e).contains(scalar.value) && character != "[" { inSequence = false }
      continue
    }
    if character == "\u{1b}" {
      inSequence = true
      continue
    }
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

/// The low and the high bit of each byte of a word.
private let lowBits: UInt64 = 0x0101_0101_0101_0101
private let highBits: UInt64 = 0x8080_8080_8080_8080

/// Whether a byte of `word` is `byte` (a zero byte of their difference).
@inline(__always) private func holds(_ byte: UInt8, _ word: UInt64) -> Bool {
  let difference = word ^ (lowBits &* UInt64(byte))
  return (difference &- lowBits) & ~difference & highBits != 0
}

/// Whether `text` holds a byte that `isOne` picks, read eight bytes at a
/// time: `wordHolds` says whether a word holds one (exactly: it is believed
/// both ways), `isOne` judges the bytes after the last whole word. Nil when
/// the text is not in one buffer.
@inline(__always) private func holdsByte(
  _ text: String, wordHolds: (UInt64) -> Bool, isOne: (UInt8) -> Bool
) -> Bool? {
  text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
    guard let base = bytes.baseAddress else { return false }
    let raw = UnsafeRawPointer(base)
    var index = 0
    while index + 8 <= bytes.count {
      if wordHolds(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
      index += 8
    }
    while index < bytes.count {
      if isOne(bytes[index]) { return true }
      index += 1
    }
    return false
  }
}

/// The columns of a text in ASCII without a carriage return or an escape
/// (nil for any other): a column a byte, each character being one byte
/// (only CR LF is two bytes in one character). Read eight bytes at a time,
/// without walking characters: a strategy listing's long lines are
/// measured ten times faster.
private func asciiWidth(_ text: String) -> Int? {
  let other = holdsByte(
    text, wordHolds: { $0 & highBits != 0 || holds(0x0d, $0) || holds(0x1b, $0) },
    isOne: { $0 >= 0x80 || $0 == 0x0d || $0 == 0x1b })
  return other == false ? text.utf8.count : nil
}

/// Whether a text may hold a control character or a direction override: a
/// byte under 0x20, 0x7f, 0xc2 (which leads U+0080-U+00BF, where the C1
/// controls are) or 0xe2 (which leads U+2000-U+2FFF, where the overrides
/// are). Read eight bytes at a time: `oneLine` sees every cell of a long answer.
private func mayHoldControls(_ text: String) -> Bool {
  // A byte under 0x20 (of the bytes under 0x80, the only ones that can be), 0x7f, 0xc2 or 0xe2.
  holdsByte(
    text,
    wordHolds: { ($0 &- lowBits &* 0x20) & ~$0 & highBits != 0 || holds(0x7f, $0) || holds(0xc2, $0) || holds(0xe2, $0) },
    isOne: { $0 < 0x20 || $0 == 0x7f || $0 == 0xc2 || $0 == 0xe2 }) ?? true
}

/// Replaces control characters (C0, DEL and C1: U+009B is CSI to many
/// terminals) and direction overrides so that one value
/// from the log stays on one line of text output and never reaches the
/// terminal as a control sequence. Text without them is returned as it is.
func oneLine(_ text: String) -> String {
  guard mayHoldControls(text) else { return text }
  var result = ""
  for scalar in text.unicodeScalars {
    switch scalar.value {
    case 0x0a: result += "\\n"
    case 0x0d: result += "\\r"
    case 0x09: result += "\\t"
    case 0x00...0x1f, 0x7f...0x9f, 0x202a...0x202e, 0x2066...0x2069:
      result += "\\u{\(String(scalar.value, radix: 16))}"
    default: result.unicodeScalars.append(scalar)
    }
  }
  return result
}
