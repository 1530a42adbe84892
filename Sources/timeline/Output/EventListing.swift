import EventLog
import Projections

/// How many events a listing reads and writes at a time: a part's lines
/// are spread over the whole log (replay order is not file order), so each
/// part reads most of it again; at 1M events 65,536 holds a whole listing
/// to 222 MB (920 MB read at once) for 0.3 s more.
let listingPart = 65_536

/// Events an answer lists (`log`, `news`, `why`), read from the log a part
/// at a time and never held whole: every event of a 1M-event log is news to
/// the first `news`, and decoded at once they held 920 MB. A listing of one
/// part is read when it is made, so that a failure to read it comes before
/// anything is printed.
struct EventListing {
  /// The facts to list, in the order they are listed.
  let facts: [Int32]
  private let table: FactTable
  private let store: LogStore
  private let choose: (([Int32], [Event]) -> (facts: [Int32], events: [Event]))?
  /// The one part of a short listing, read.
  private var held: (facts: [Int32], events: [Event])?

  /// - Parameter choose: keeps, of a part's facts and their events, those
  ///   listed (`log --grep` chooses by text); nil: all of them.
  init(
    _ facts: [Int32], in table: FactTable, _ store: LogStore,
    choose: (([Int32], [Event]) -> (facts: [Int32], events: [Event]))? = nil
  ) throws(LogError) {
    self.facts = facts
    self.table = table
    self.store = store
    self.choose = choose
    if facts.count <= listingPart { held = try read(facts) }
  }

  private func read(_ part: [Int32]) throws(LogError) -> (facts: [Int32], events: [Event]) {
    let events = try store.events(part, in: table)
    return choose?(part, events) ?? (part, events)
  }

  /// Gives `body` each part's listed facts and their events. A line that no
  /// longer holds its event (the log changed under the question) stops the
  /// listing with the error, after the parts already given.
  func forEachPart(_ body: ([Int32], [Event]) throws(LogError) -> Void) throws(LogError) {
    if let held { return try body(held.facts, held.events) }
    for start in stride(from: 0, to: facts.count, by: listingPart) {
      let part = try read(Array(facts[start..<min(start + listingPart, facts.count)]))
      try body(part.facts, part.events)
    }
  }

  /// The listing as aligned event rows (`eventRow`, marked as `markedRows`
  /// marks them), each line given to `body` with its event; the facts
  /// listed are returned. Columns are as wide as their widest cell in the
  /// whole listing: a listing longer than a part is measured in a first
  /// pass and read again to be laid out.
  @discardableResult
  func forEachRow(
    indent: Int, fit: Int?, marks: (Int32) -> EventMarks, _ console: Console, _ body: (String, Event) -> Void
  ) throws(LogError) -> [Int32] {
    var widths: [Int] = []
    func layOut(_ rows: [[String]], _ events: [Event]) {
      let lines = alignedRows(rows, widths: widths, indent: indent, fit: fit, style: eventRowStyle(events, console))
      for (line, event) in zip(lines, events) { body(line, event) }
    }
    if let held {
      let rows = markedRows(held.events) { marks(held.facts[$0]) }
      widen(&widths, toFit: rows)
      layOut(rows, held.events)
      return held.facts
    }
    var listed: [Int32] = []
    try forEachPart { facts, events in
      widen(&widths, toFit: markedRows(events) { marks(facts[$0]) })
      listed += facts
    }
    try forEachPart { facts, events in layOut(markedRows(events) { marks(facts[$0]) }, events) }
    return listed
  }
}

extension JSONWriter {
  /// `"events"`: each event of the listing whole, written a part at a time;
  /// with `marks`, each also with `"retracted"` and `"superseded"` (`news`,
  /// `why`; `log` lists events as they are). The facts listed are returned.
  /// On a failure what is written stays unfinished and the error is thrown
  /// (`JSONWriter.write` then drops what is not yet out).
  @discardableResult
  mutating func events(_ listing: EventListing, marks: ((Int32) -> EventMarks)?) throws(LogError) -> [Int32] {
    key("events")
    var failure: LogError?
    var listed: [Int32] = []
    array { array in
      do throws(LogError) {
        try listing.forEachPart { facts, events in
          listed += facts
          let marked = marks.map { facts.map($0) }
          array.items(events.count, weight: { _ in 1 }) { w, index in
            guard let marked else {
              w.event(events[index])
              return
            }
            w.event(events[index]) { e in
              e.member("retracted", bool: marked[index].retracted)
              e.member("superseded", bool: marked[index].superseded)
            }
          }
        }
      } catch { failure = error }
    }
    if let failure { throw failure }
    return listed
  }
}

/// A titled section of events (news's new events, why's events about a key):
/// aligned rows, each followed by its source, indented; retracted and
/// superseded ones marked; or one line saying there are none.
func printEventSection(
  _ title: String, none: String, _ listing: EventListing, marks: (Int32) -> EventMarks, _ console: Console
) throws(LogError) {
  if listing.facts.isEmpty {
    console.line(none)
    return
  }
  console.line(console.bold(title))
  try listing.forEachRow(indent: 2, fit: nil, marks: marks, console) { line, event in
    console.line(line)
    if let source = sourceDetails(event) { console.line(console.dim("      source: " + source)) }
  }
}
