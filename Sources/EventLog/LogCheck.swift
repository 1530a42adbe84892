#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One problem `check` found.
public struct Finding: Sendable, Equatable {
  public var file: String
  public var line: Int
  public var message: String

  public init(file: String, line: Int, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }
}

/// Everything `check` found in a log.
public struct CheckReport: Sendable {
  public var errors: [Finding] = []
  public var warnings: [Finding] = []
  public var events = 0
  public var files = 0
}

extension LogStore {
  /// Validates the whole log: every line on its own (JSON, fields, kinds,
  /// dates), content ids against content, `recorded` increasing within each
  /// file, one content per id, retractions and `supersedes` that point at an
  /// event that is not a retraction; warns of a missing source, an event about
  /// a product never launched, a torn final line and an interrupted batch.
  /// Both halves of a large file are checked in parallel.
  public func check() throws(LogError) -> CheckReport {
    var report = CheckReport()
    var table = FactTable()
    var entries: [FactCache.Entry] = []
    var noticed = false
    var digests: [UInt64] = []  // per fact: the first 8 bytes of its content's SHA-256
    let paths = try files()
    report.files = paths.count
    table.files = paths
    for (fileIndex, file) in paths.enumerated() {
      let index = UInt16(clamping: fileIndex)
      var (parts, notices, stamp, end) = try readInParts(file) { fd, range in checkPart(fd: fd, range: range, file: file, fileIndex: index) }
      var lines: Int32 = 0
      var previous: (recorded: Int64, line: Int)?
      for position in parts.indices {
        let part = parts[position]
        parts[position] = CheckPart()  // merged below: let its memory go
        if let failure = part.failure { throw LogError(.ioError, "cannot read \(file): \(failure)") }
        for var finding in part.errors {
          finding.line += Int(lines)
          report.errors.append(finding)
        }
        for var finding in part.warnings {
          finding.line += Int(lines)
          report.warnings.append(finding)
        }
        // Recorded times increase within the file, across the parts too.
        for fact in part.table.facts {
          if let previous, fact.recorded <= previous.recorded {
            report.errors.append(Finding(
              file: file, line: Int(fact.line + lines),
              message: "recorded \(Timestamp(milliseconds: fact.recorded)) is not after the previous line's \(Timestamp(milliseconds: previous.recorded)): recorded times must increase within a file"))
          }
          previous = (fact.recorded, Int(fact.line + lines))
        }
        table.merge(part.table, lineOffset: lines)
        digests += part.digests
        lines += part.lines
      }
      noticed = noticed || !notices.isEmpty
      if let fd = try? Sys.open(file, O_RDONLY) {
        let extent = end - Int64(parts.last?.tornBytes ?? 0)
        entries.append(FactCache.Entry(
          path: file, stamp: stamp, extent: extent, lines: lines, samples: FactCache.samples(fd, extent: extent)))
        Sys.close(fd)
      }
      for notice in notices {
        let message: String
        switch notice.kind {
        case .tornTail(let bytes):
          message = "torn final line (\(bytes) bytes without a newline: an append that never finished); `timeline check --repair` removes it"
        case .interruptedBatch(let bytes):
          message = "interrupted add --stdin batch (\(bytes) bytes) is ignored; `timeline check --repair` rolls it back"
        }
        report.warnings.append(Finding(file: notice.file, line: notice.line, message: message))
      }
    }
    report.events = table.facts.count
    crossCheck(table, digests: digests, into: &report)
    // Rebuild the projection cache from what was just read (or drop it).
    let cache = FactCache(store: self)
    if !noticed && entries.count == paths.count && table.count >= FactCache.threshold {
      cache.write(table, entries)
    } else {
      cache.remove()
    }
    report.errors.sort { ($0.file, $0.line) < ($1.file, $1.line) }
    report.warnings.sort { ($0.file, $0.line) < ($1.file, $1.line) }
    return report
  }

  /// The checks across lines: one content per id, references that point at
  /// an event that is not a retraction, product events without a launch.
  private func crossCheck(_ table: FactTable, digests: [UInt64], into report: inout CheckReport) {
    let facts = table.facts
    func place(_ fact: Fact) -> (String, Int) { (table.files[Int(fact.file)], Int(fact.line)) }
    var first: [UInt64: Int] = [:]
    first.reserveCapacity(facts.count)
    for (index, fact) in facts.enumerated() {
      if let other = first[fact.id] {
        if digests[other] != digests[index] {
          let (file, line) = place(fact)
          let (otherFile, otherLine) = place(facts[other])
          report.errors.append(Finding(file: file, line: line, message: "id \(table.idString(fact.id)) is already used by a different event at \(otherFile):\(otherLine); replay keeps the one recorded first"))
        }
      } else {
        first[fact.id] = index
      }
    }
    var launched = Set<Int32>()
    for fact in facts where fact.factKind == .launch { launched.insert(fact.subject) }
    for fact in facts {
      let (file, line) = place(fact)
      if fact.target != 0 {
        let target = table.idString(fact.target)
        let what = fact.factKind == .retract ? "retracts" : "supersedes"
        if let other = first[fact.target] {
          if facts[other].factKind == .retract {
            let (otherFile, otherLine) = place(facts[other])
            let message = fact.factKind == .retract
              ? "retracts \(target), which is itself a retraction (at \(otherFile):\(otherLine)); a retraction cannot be retracted"
              : "supersedes \(target), which is a retraction (at \(otherFile):\(otherLine)); only facts can be superseded"
            report.errors.append(Finding(file: file, line: line, message: message))
          }
        } else {
          report.errors.append(Finding(file: file, line: line, message: "\(what) \(target), which is not in the log"))
        }
      }
      let kind = fact.factKind
      if kind != .launch && (kind == .pause || kind == .resume || kind == .retire || kind == .throttle || kind == .unthrottle),
        fact.subject != 0, !launched.contains(fact.subject)
      {
        report.warnings.append(Finding(file: file, line: line, message: "\(kind.kind(customName: "")) of \(table.names[fact.subject]), which was never launched in this log; the event creates it (add its launch if it is known)"))
      }
    }
  }
}

/// What one thread found in its part of a file.
struct CheckPart: LinesPart, @unchecked Sendable {
  var table = FactTable()
  var digests: [UInt64] = []
  var errors: [Finding] = []
  var warnings: [Finding] = []
  var lines: Int32 = 0
  var tornBytes: Int?
  var failure: Errno?
}

/// Checks each line of a part on its own: decoded by the fast scanner (or
/// the strict codec, for its verdict and message), its content id verified
/// against the SHA-256 of its canonical content.
func checkPart(fd: Int32, range: (Int64, Int64), file: String, fileIndex: UInt16) -> CheckPart {
  var part = CheckPart()
  var scanner = EventScanner()
  do {
    (part.lines, part.tornBytes) = try forEachLine(fd: fd, range: range) { line, number, offset in
      let event: Event
      if let scanned = scanner.scanEvent(line, stored: true) {
        event = scanned
      } else {
        do throws(ValueError) { event = try EventCodec.decode(line, stored: true) } catch {
          part.errors.append(Finding(file: file, line: Int(number), message: error.message))
          return true
        }
      }
      let content = EventCodec.content(event)
      let digest = SHA256.hash(content)
      let prefix = digest.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } | EventKey.contentBit
      if let key = part.table.existingKey(event.id), key & EventKey.customBit == 0, key != prefix {
        let expected = String(hexString(digest.prefix(6)))
        do {
          part.errors.append(Finding(file: file, line: Int(number), message: "id \(event.id) does not match the event's content, which hashes to \(expected): the line was edited after it was added; restore it, and record a correction as a new event with --supersedes \(event.id)"))
        }
      }
      if event.source == nil && event.kind != .retract {
        part.warnings.append(Finding(file: file, line: Int(number), message: "no source: say where the fact comes from with --source-title or --source-url"))
      }
      part.table.append(event, file: fileIndex, line: number, offset: offset)
      part.digests.append(digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
      return true
    }
  } catch {
    part.failure = error
  }
  return part
}
