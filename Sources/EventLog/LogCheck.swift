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
  public func check() throws(LogError) -> CheckReport {
    struct Seen {
      var file: String
      var line: Int
      var content: [UInt8]
      var isRetraction: Bool
    }
    var report = CheckReport()
    var byID: [String: Seen] = [:]
    var references: [(event: Event, file: String, line: Int)] = []
    var productEvents: [(subject: String, kind: Kind, file: String, line: Int)] = []
    var launched = Set<String>()
    let paths = try files()
    report.files = paths.count
    for file in paths {
      var previous: Timestamp?
      do {
        let notices = try readLines(of: file) { line in
          let event: Event
          do throws(ValueError) {
            event = try EventCodec.decode(line.bytes, stored: true)
          } catch {
            report.errors.append(Finding(file: file, line: line.number, message: error.message))
            return
          }
          report.events += 1
          func error(_ message: String) { report.errors.append(Finding(file: file, line: line.number, message: message)) }
          func warning(_ message: String) { report.warnings.append(Finding(file: file, line: line.number, message: message)) }

          let content = EventCodec.content(event)
          if EventSchema.isContentIDForm(event.id) {
            let expected = String(hexString(SHA256.hash(content)).prefix(12))
            if expected != event.id {
              error("id \(event.id) does not match the event's content, which hashes to \(expected): the line was edited after it was added; restore it, and record a correction as a new event with --supersedes \(event.id)")
            }
          }
          if let recorded = event.recorded {
            if let previous, recorded <= previous {
              error("recorded \(recorded) is not after the previous line's \(previous): recorded times must increase within a file")
            }
            previous = recorded
          }
          if let seen = byID[event.id] {
            if seen.content != content {
              error("id \(event.id) is already used by a different event at \(seen.file):\(seen.line); replay keeps the one recorded first")
            }
          } else {
            byID[event.id] = Seen(file: file, line: line.number, content: content, isRetraction: event.kind == .retract)
          }
          if event.retractTarget != nil || event.supersedes != nil {
            references.append((event, file, line.number))
          }
          if event.kind.isProductKind, let subject = event.subject {
            if event.kind == .launch { launched.insert(subject) } else { productEvents.append((subject, event.kind, file, line.number)) }
          }
          if event.source == nil && event.kind != .retract {
            warning("no source: say where the fact comes from with --source-title or --source-url")
          }
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
      } catch let error as LogError {
        throw error
      } catch {
        throw LogError(.ioError, "cannot read \(file): \(error)")
      }
    }
    for (event, file, line) in references {
      if let target = event.retractTarget {
        if let seen = byID[target] {
          if seen.isRetraction {
            report.errors.append(Finding(file: file, line: line, message: "retracts \(target), which is itself a retraction (at \(seen.file):\(seen.line)); a retraction cannot be retracted"))
          }
        } else {
          report.errors.append(Finding(file: file, line: line, message: "retracts \(target), which is not in the log"))
        }
      }
      if let target = event.supersedes {
        if let seen = byID[target] {
          if seen.isRetraction {
            report.errors.append(Finding(file: file, line: line, message: "supersedes \(target), which is a retraction (at \(seen.file):\(seen.line)); only facts can be superseded"))
          }
        } else {
          report.errors.append(Finding(file: file, line: line, message: "supersedes \(target), which is not in the log"))
        }
      }
    }
    for (subject, kind, file, line) in productEvents where !launched.contains(subject) {
      report.warnings.append(Finding(file: file, line: line, message: "\(kind) of \(subject), which was never launched in this log; the event creates it (add its launch if it is known)"))
    }
    report.errors.sort { ($0.file, $0.line) < ($1.file, $1.line) }
    report.warnings.sort { ($0.file, $0.line) < ($1.file, $1.line) }
    return report
  }
}
