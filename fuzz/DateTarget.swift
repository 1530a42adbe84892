// libFuzzer target: the event date parser (YYYY, YYYY-MM, YYYY-MM-DD), the
// query date parser (QueryDate: quarters, today, last month, A..B windows)
// and the RFC 3339 timestamp parser (`recorded`, `--known-at`).
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

  // Query dates, against days at the edges of the calendar: whatever is
  // accepted is a real period of days from 0001-01-01 to 9999-12-31, and a
  // calendar date means the same period as EventDate says.
  for today in fuzzTodays {
    if let period = try? QueryDate.parse(text, today: today) {
      checkPeriod(period, text: text, today: today)
      if let date = try? EventDate.parse(text) {
        precondition(period == DatePeriod(first: date.firstDay, last: date.lastDay), "\(text.debugDescription) is \(period), not \(date)'s period")
      }
    }
    if let window = try? QueryDate.parseWindow(text, today: today) {
      precondition(window.from != nil || window.to != nil, "the window \(text.debugDescription) has no end")
      if let from = window.from { checkPeriod(from, text: text, today: today) }
      if let to = window.to { checkPeriod(to, text: text, today: today) }
    }
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

let fuzzTodays = [
  Day(year: 2025, month: 12, day: 10), Day(year: 1, month: 1, day: 1), Day(year: 9999, month: 12, day: 31),
  Day(year: 2024, month: 2, day: 29), Day(year: 2027, month: 1, day: 1),
]

func checkPeriod(_ period: DatePeriod, text: String, today: Day) {
  let earliest = Day(year: 1, month: 1, day: 1), latest = Day(year: 9999, month: 12, day: 31)
  precondition(period.first <= period.last, "\(text.debugDescription) as of \(today): \(period) ends before it starts")
  precondition(period.first >= earliest && period.last <= latest, "\(text.debugDescription) as of \(today): \(period) is outside 0001 to 9999")
  // Both ends are real days: written and read back as themselves.
  for day in [period.first, period.last] {
    precondition((try? EventDate.parse(day.description))?.firstDay == day, "\(day) from \(text.debugDescription) is not a real day")
  }
}
