import Dispatch

/// One problem `check` found.
public struct Finding: Sendable, Equatable {
  /// What is wrong at the line: said whole, or values the command line words
  /// (with the option that records a correction, the command that repairs).
  public enum Problem: Sendable, Equatable {
    /// Said whole, in the log's own terms.
    case said(String)
    /// The line breaks a rule on its own.
    case fault(ValueError)
    /// The line's `recorded` is more than a day after the clock, `now`.
    case clockAhead(recorded: Timestamp, now: Timestamp)
    /// Something a reader leaves out at the end of the file (a repair fixes it).
    case notice(ReadNotice.Kind)
    /// The content-form id `id` does not match the content, which hashes to `contentID`.
    case idMismatch(id: String, contentID: String)
    /// The event gives no source.
    case noSource
    /// The source url has no scheme; `suggested` is the url with one, `id` the event's.
    case urlWithoutScheme(url: String, suggested: String, id: String)
    /// A name replay takes apart from the one meant (`said` says which);
    /// event `id` is recorded again with the name corrected.
    case faultyName(said: String, id: String)
    /// A launch type that is a known one but for its case (`said` says
    /// which); event `id` is recorded again with type `known`.
    case typeCase(said: String, known: String, id: String)
  }

  public var file: String
  public var line: Int
  public var problem: Problem
  /// The file's place among the log's files, which orders findings.
  public var fileIndex = 0

  public init(file: String, line: Int, problem: Problem) {
    self.file = file
    self.line = line
    self.problem = problem
  }

  public init(file: String, line: Int, message: String) {
    self.init(file: file, line: line, problem: .said(message))
  }
}

/// Everything a check found in a log.
public struct CheckReport: Sendable {
  public var errors: [Finding] = []
  public var warnings: [Finding] = []
  public var events = 0
  public var files = 0
  /// Why the cache folder was not rebuilt (a symlink, another user's), for the command to print.
  public var cacheNote: String?
}

extension LogStore {
  /// Validates the whole log: every line on its own (JSON, fields, kinds,
  /// dates), content ids against content, `recorded` increasing within each
  /// file, one content per id, retractions and `supersedes` that point at an
  /// event that is not a retraction; warns of a missing source, an event about
  /// a product never launched, a torn final line and an interrupted batch.
  /// Both halves of a large file are checked in parallel.
  /// - Parameter now: the clock; a `recorded` time more than a day after it is warned of.
  public func check(now: Timestamp? = nil) throws(LogError) -> CheckReport {
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
          if let now, fact.recorded > now.milliseconds + LogStore.clockTolerance {
            report.warnings.append(Finding(
              file: file, line: Int(fact.line + lines),
              problem: .clockAhead(recorded: Timestamp(milliseconds: fact.recorded), now: now)))
          }
          previous = (fact.recorded, Int(fact.line + lines))
        }
        table.merge(part.table, lineOffset: lines)
        digests += part.digests
        lines += part.lines
      }
      noticed = noticed || !notices.isEmpty
      // Hashed by the cache's writer, from the file while it keeps this stamp.
      entries.append(FactCache.Entry(
        path: file, stamp: stamp, extent: end - Int64(parts.last?.tornBytes ?? 0), lines: lines, hash: RegionHash()))
      for notice in notices {
        report.warnings.append(Finding(file: notice.file, line: notice.line, problem: .notice(notice.kind)))
      }
    }
    report.events = table.facts.count
    // Rebuild the projection cache from what was just read (or drop it), on
    // the second core while the first checks across lines.
    let cache = FactCache(store: self)
    if case .refused(let note) = cache.folder(create: false) { report.cacheNote = note }
    let rebuild = !noticed && report.cacheNote == nil && entries.count == paths.count && table.count >= FactCache.threshold
    let finished = table
    let fileEntries = entries
    let contentDigests = digests
    let found = CheckResult()
    DispatchQueue.concurrentPerform(iterations: 2) { task in
      if task == 0 {
        var cross = CheckReport()
        crossCheck(finished, digests: contentDigests, into: &cross)
        found.report = cross
      } else if rebuild {
        cache.write(finished, fileEntries)
      } else {
        cache.remove()
      }
    }
    report.errors += found.report.errors
    report.warnings += found.report.warnings
    report.errors = inPlaceOrder(report.errors, files: paths)
    report.warnings = inPlaceOrder(report.warnings, files: paths)
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
    report.warnings += nameFindings(table)
    var launched = Set<Int32>()
    for fact in facts where fact.factKind == .launch { launched.insert(fact.subject) }
    for fact in facts {
      if fact.target != 0 {
        let (file, line) = place(fact)
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
      if kind.isProduct, kind != .launch, fact.subject != 0, !launched.contains(fact.subject)
      {
        let (file, line) = place(fact)
        report.warnings.append(Finding(file: file, line: line, message: "\(kind.kind(customName: "")) of \(table.names[fact.subject]), which was never launched in this log; the event creates it (add its launch if it is known)"))
      }
    }
  }
}

/// Findings in the order of the log: by file (in `files` order), then line;
/// sorted on integer keys, as there can be hundreds of thousands.
func inPlaceOrder(_ findings: [Finding], files: [String]) -> [Finding] {
  var rank: [String: Int] = [:]
  for (index, file) in files.enumerated() { rank[file] = index }
  let keys = findings.enumerated().map { (rank[$0.element.file] ?? files.count, $0.element.line, $0.offset) }
  return keys.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map { key in
    var finding = findings[key.2]
    finding.fileIndex = key.0
    return finding
  }
}

/// The cross-line findings, written by one thread.
private final class CheckResult: @unchecked Sendable {
  var report = CheckReport()
}

/// What one thread found in its part of a file.
struct CheckPart: LinesPart, @unchecked Sendable {
  var table = FactTable()
  var digests: [UInt64] = []
  var errors: [Finding] = []
  var warnings: [Finding] = []
  var lines: Int32 = 0
  var tornBytes: Int?
  var blankTail: BlankRun?
  var failure: Errno?
  var file = ""

  mutating func blankLinesAreFollowedByEvents() {
    if let blankTail { errors.append(Finding(file: file, line: Int(blankTail.first), message: blankLineMessage)) }
  }
}

/// Checks each line of a part on its own: decoded by the fast scanner (or
/// the strict codec, for its verdict and message), its content id verified
/// against the SHA-256 of its canonical content.
func checkPart(fd: FileDescriptor, range: (Int64, Int64), file: String, fileIndex: UInt16) -> CheckPart {
  var part = CheckPart()
  part.file = file
  var scanner = EventScanner()
  var content: [UInt8] = []
  content.reserveCapacity(1024)
  do {
    (part.lines, part.tornBytes) = try forEachLine(fd: fd, range: range) { line, number, offset in
      let event: Event
      if isBlank(line) {
        part.blankTail = BlankRun.adding(number, to: part.blankTail)
        return true
      }
      if part.blankTail != nil {
        part.blankLinesAreFollowedByEvents()
        part.blankTail = nil
      }
      if let scanned = scanner.scanEvent(line, stored: true) {
        event = scanned
      } else if startsWithByteOrderMark(line, offset: offset) {
        part.errors.append(Finding(file: file, line: Int(number), message: byteOrderMarkMessage(file)))
        return true
      } else {
        do throws(ValueError) { event = try EventCodec.decode(line, stored: true) } catch {
          part.errors.append(Finding(file: file, line: Int(number), problem: .fault(error)))
          return true
        }
      }
      EventCodec.content(event, into: &content)
      let digest = content.withUnsafeBytes { SHA256.prefix64($0) }
      let prefix = digest >> 16 | EventKey.contentBit
      var id = event.id
      if let key = id.withUTF8({ EventKey.content($0) }), key != prefix {
        let expected = part.table.idString(prefix)
        part.errors.append(Finding(file: file, line: Int(number), problem: .idMismatch(id: event.id, contentID: expected)))
      }
      if event.source == nil && event.kind != .retract {
        part.warnings.append(Finding(file: file, line: Int(number), problem: .noSource))
      }
      if let url = event.source?.url, !EventSchema.hasScheme(url) {
        part.warnings.append(Finding(
          file: file, line: Int(number), problem: .urlWithoutScheme(url: url, suggested: EventSchema.suggestedURL(url), id: event.id)))
      }
      part.table.append(event, file: fileIndex, line: number, offset: offset)
      part.digests.append(digest)
      return true
    }
  } catch {
    part.failure = error
  }
  return part
}
