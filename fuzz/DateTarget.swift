// libFuzzer target: the event date parser (YYYY, YYYY-MM, YYYY-MM-DD) and the
// RFC 3339 timestamp parser (`recorded`, `--known-at`).
// Built by fuzz/run.sh together with Sources/EventLog (one module, so no imports).

/// Checks, for any text: both parsers answer without crashing, and whatever
/// they accept is written back in a form they accept again as the same value
/// (a `recorded` time that `add` writes must be readable by every reader).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDates(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)

  if let date = try? EventDate.parse(text) {
    guard let again = try? EventDate.parse(date.description) else {
      fatalError("EventDate \(date) (from \(text.debugDescription)) is written in a form it refuses")
    }
    precondition(again == date, "EventDate round trip changed \(date) into \(again)")
    precondition(date.firstDay <= date.lastDay, "the period of \(date) ends before it starts")
    _ = Timestamp.endOf(date.lastDay)
  }

  if let time = try? Timestamp.parse(text) {
    let written = time.description
    guard let again = try? Timestamp.parse(written) else {
      fatalError("Timestamp \(written) (from \(text.debugDescription)) is written in a form it refuses")
    }
    precondition(again == time, "Timestamp round trip changed \(written)")
    precondition(again.description == written, "Timestamp description is not a fixed point")
  }
  return 0
}
