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
    /// Events that supersede one another in a ring (`said` names each with
    /// its place); `id` is the event at this line, which a retraction would
    /// take out of the ring.
    case correctionCycle(said: String, id: String)
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
  /// event that is not a retraction, no ring of corrections; warns of a
  /// missing source, an event about a product with no standing launch
  /// (retracted and superseded launches do not count, as in replay), a torn
  /// final line and an interrupted batch.
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
        // A line typed without its newline that is no event is a malformed line, as one inside the file is.
        if case .typedTail = notice.kind {
          report.errors.append(Finding(file: notice.file, line: notice.line, problem: .notice(notice.kind)))
        } else {
          report.warnings.append(Finding(file: notice.file, line: notice.line, problem: .notice(notice.kind)))
        }
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
  /// an event that is not a retraction, rings of corrections, product events
  /// without a standing launch.
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
    // Rule 4 of the default replay: the retracted ids, then the ids a
    // standing (not retracted) event supersedes.
    func isFact(_ key: UInt64) -> Bool { first[key].map { facts[$0].factKind != .retract } ?? false }
    var retracted = Set<UInt64>()
    for fact in facts where fact.factKind == .retract && fact.target != 0 && isFact(fact.target) { retracted.insert(fact.target) }
    var superseded = Set<UInt64>()
    for fact in facts where fact.factKind != .retract && fact.target != 0 && !retracted.contains(fact.id) && isFact(fact.target) {
      superseded.insert(fact.target)
    }
    report.errors += correctionCycles(table, first: first, retracted: retracted)
    // A product is launched when one of its launches stands; those that
    // stand no more are named in the warning.
    var launched = Set<Int32>()
    var droppedLaunches: [Int32: [UInt64]] = [:]
    for (index, fact) in facts.enumerated() where fact.factKind == .launch {
      if retracted.contains(fact.id) || superseded.contains(fact.id) {
        if first[fact.id] == index { droppedLaunches[fact.subject, default: []].append(fact.id) }
      } else {
        launched.insert(fact.subject)
      }
    }
    report.warnings += predecessorRings(table) { !retracted.contains($0.id) && !superseded.contains($0.id) }
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
      if kind.isProduct, kind != .launch, fact.subject != 0, !launched.contains(fact.subject),
        !retracted.contains(fact.id), !superseded.contains(fact.id)
      {
        let (file, line) = place(fact)
        var why = ""
        if let dropped = droppedLaunches[fact.subject] {
          let ids = dropped.prefix(3).map(table.idString).joined(separator: ", ") + (dropped.count > 3 ? ", ..." : "")
          if dropped.count == 1 {
            why = " (its launch \(ids) is \(retracted.contains(dropped[0]) ? "retracted" : "superseded"))"
          } else {
            let all = dropped.allSatisfy(retracted.contains) ? "retracted" : dropped.allSatisfy({ !retracted.contains($0) }) ? "superseded" : "retracted or superseded"
            why = " (its launches \(ids) are \(all))"
          }
        }
        report.warnings.append(Finding(file: file, line: line, message: "\(kind.kind(customName: "")) of \(table.names[fact.subject]), which was never launched in this log\(why); the event creates it (add its launch if it is known)"))
      }
    }
  }
}

/// The corrections that supersede one another in a ring (`a` supersedes
/// `b`, which supersedes `a`): replay drops every event of such a ring, as
/// each is superseded by a standing one. An error at each event of each
/// ring. A retracted event breaks its ring (it no longer stands), so
/// retracting one is a fix. Each fact supersedes at most one event, so the
/// chains are walked once, in time linear in the log.
/// - Parameters:
///   - first: each id's first fact, which stands for the id.
///   - retracted: the ids a retraction drops.
func correctionCycles(_ table: FactTable, first: [UInt64: Int], retracted: Set<UInt64>) -> [Finding] {
  let facts = table.facts
  /// The fact whose id `index`'s fact supersedes, if both stand for their id and are not retracted.
  func next(_ index: Int) -> Int? {
    let fact = facts[index]
    guard fact.factKind != .retract, fact.target != 0, !retracted.contains(fact.id),
      let target = first[fact.target], facts[target].factKind != .retract, !retracted.contains(fact.target)
    else { return nil }
    return target
  }
  return rings(count: facts.count, from: { facts[$0].target != 0 && first[facts[$0].id] == $0 }, next: next)
    .flatMap { cycleFindings($0, table) }
}

/// The rings of a graph where each node points at most at one other
/// (`next`): every chain is walked once, from each node `from` allows, so
/// the time is linear in the nodes. Each ring's nodes, in the order walked.
/// Corrections form such a graph (each supersedes at most one event), in a
/// log and in a batch.
public func rings(count: Int, from: (Int) -> Bool = { _ in true }, next: (Int) -> Int?) -> [[Int]] {
  // 0: not seen; 1: on the chain being walked; 2: done.
  var state = [UInt8](repeating: 0, count: count)
  var found: [[Int]] = []
  var chain: [Int] = []
  for start in 0..<count where state[start] == 0 && from(start) {
    chain.removeAll(keepingCapacity: true)
    var index = start
    while true {
      state[index] = 1
      chain.append(index)
      guard let target = next(index), state[target] != 2 else { break }
      if state[target] == 1 {
        if let first = chain.lastIndex(of: target) { found.append(Array(chain[first...])) }
        break
      }
      index = target
    }
    for index in chain { state[index] = 2 }
  }
  return found
}

/// An error at each event of the ring `ring` (each supersedes the next, the
/// last the first), naming every event of it with its place.
private func cycleFindings(_ ring: [Int], _ table: FactTable) -> [Finding] {
  let facts = table.facts
  func id(_ index: Int) -> String { table.idString(facts[index].id) }
  func place(_ index: Int) -> String { "\(table.files[Int(facts[index].file)]):\(facts[index].line)" }
  return ring.indices.map { position in
    let order = Array(ring[position...] + ring[..<position])
    var said: String
    if order.count == 1 {
      said = "\(id(order[0])) supersedes itself"
    } else {
      let shown = 6
      said = "\(id(order[0])) (\(place(order[0]))) supersedes \(id(order[1])) (\(place(order[1])))"
      for index in order.dropFirst(2).prefix(shown - 2) { said += ", which supersedes \(id(index)) (\(place(index)))" }
      if order.count > shown { said += ", ... (\(order.count) events in all)" }
      said += ", which supersedes \(id(order[0]))"
    }
    let fact = facts[order[0]]
    return Finding(
      file: table.files[Int(fact.file)], line: Int(fact.line),
      problem: .correctionCycle(said: "a cycle of corrections: \(said); replay drops every event of the cycle, so none of them stands", id: id(order[0])))
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

/// Standing launches that make a model its own ancestor: a predecessor that
/// is the model itself, or a ring of predecessors (a succeeds b, which
/// succeeds a). The lineage has no root there to draw a tree from. A
/// warning at each such launch, never a refusal: the log stays readable (and
/// an export of it imports back), and a correction naming the model it
/// succeeds mends it. As in `Lineage`, a model's predecessor is the one its
/// last standing launch in replay order names (first day, recorded, id), so
/// each model has at most one and the rings are found by `rings`.
/// - Parameter stands: whether a fact stands in the default replay.
func predecessorRings(_ table: FactTable, stands: (Fact) -> Bool) -> [Finding] {
  let facts = table.facts
  // Each model's last standing launch that names a predecessor, by symbol.
  var link = [Int32](repeating: -1, count: table.names.count)
  func later(_ a: Fact, than b: Fact) -> Bool {
    if a.firstDay != b.firstDay { return a.firstDay > b.firstDay }
    if a.recorded != b.recorded { return a.recorded > b.recorded }
    return table.idString(b.id).utf8.lexicographicallyPrecedes(table.idString(a.id).utf8)
  }
  for (index, fact) in facts.enumerated() where fact.factKind == .launch && fact.predecessor != 0 && fact.subject != 0 && stands(fact) {
    let current = link[Int(fact.subject)]
    if current < 0 || later(fact, than: facts[Int(current)]) { link[Int(fact.subject)] = Int32(index) }
  }
  let ringsFound = rings(count: link.count, from: { link[$0] >= 0 }) { model in
    link[model] >= 0 ? Int(facts[Int(link[model])].predecessor) : nil
  }
  return ringsFound.joined().map { model in
    let fact = facts[Int(link[model])]
    let name = table.names[Int32(model)]
    let message = fact.predecessor == fact.subject
      ? "launch of \(name) names \(name) itself as its predecessor, so its lineage has no root; correct it with a launch that supersedes \(table.idString(fact.id)) and names the model it succeeds, or none"
      : "launch of \(name) names \(table.names[fact.predecessor]) as its predecessor, which descends from \(name): the predecessors form a ring, so the lineage has no root; correct the launch that names the wrong one (this one is \(table.idString(fact.id))) with a launch that supersedes it"
    return Finding(file: table.files[Int(fact.file)], line: Int(fact.line), message: message)
  }
}
