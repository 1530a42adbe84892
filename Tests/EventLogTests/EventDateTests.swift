import EventLog
import Testing

/// Valid event dates: the text, its precision, the first and last day of its period.
@Test(arguments: [
  ("2025-12-11", EventDate.Precision.day, "2025-12-11", "2025-12-11"),
  ("2025-12", .month, "2025-12-01", "2025-12-31"),
  ("2025-11", .month, "2025-11-01", "2025-11-30"),
  ("2025-02", .month, "2025-02-01", "2025-02-28"),
  ("2024-02", .month, "2024-02-01", "2024-02-29"),
  ("2000-02", .month, "2000-02-01", "2000-02-29"),
  ("1900-02", .month, "1900-02-01", "1900-02-28"),
  ("2025", .year, "2025-01-01", "2025-12-31"),
  ("2024-02-29", .day, "2024-02-29", "2024-02-29"),
  ("2000-02-29", .day, "2000-02-29", "2000-02-29"),
  ("0001-01-01", .day, "0001-01-01", "0001-01-01"),
  ("0001", .year, "0001-01-01", "0001-12-31"),
  ("9999-12-31", .day, "9999-12-31", "9999-12-31"),
  ("2025-01-31", .day, "2025-01-31", "2025-01-31"),
  ("2025-04-30", .day, "2025-04-30", "2025-04-30"),
])
func validDateKeepsItsPrecisionAndPeriod(text: String, precision: EventDate.Precision, first: String, last: String) throws {
  let date = try EventDate.parse(text)
  #expect(date.precision == precision)
  #expect(date.description == text, "a date is written back with the precision it was given")
  #expect(date.firstDay.description == first)
  #expect(date.lastDay.description == last)
}

/// Invalid or impossible dates, with a piece of the message that says why.
@Test(arguments: [
  ("2025-02-30", "February 2025 has 28 days"),
  ("2025-02-29", "February 2025 has 28 days"),
  ("1900-02-29", "February 1900 has 28 days"),
  ("2025-04-31", "April 2025 has 30 days"),
  ("2025-12-32", "December 2025 has 31 days"),
  ("2025-12-00", "there is no day 00"),
  ("2025-13", "no month 13"),
  ("2025-00", "no month 00"),
  ("2025-13-01", "no month 13"),
  ("0000", "0001 to 9999"),
  ("0000-01-01", "0001 to 9999"),
  ("25-12-01", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("2025-1-01", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("2025-12-1", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("2025/12/01", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("20251201", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("2025-12-01T00:00:00Z", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  (" 2025", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("2025 ", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("abcd", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("-025", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("2025-+1", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
  ("１２３４", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
])
func invalidDateIsRefusedWithTheReason(text: String, reason: String) {
  do {
    let date = try EventDate.parse(text)
    Issue.record("\(text) was read as \(date)")
  } catch {
    #expect(error.message.contains(reason), "\(error.message)")
    #expect(error.message.contains("\"\(text)\""), "the message quotes the offending value")
  }
}

@Test func everyDayOfALeapAndACommonYearParses() throws {
  for (year, days) in [(2024, 366), (2025, 365), (2000, 366), (2100, 365)] {
    var count = 0
    for month in 1...12 {
      for day in 1...31 {
        let text = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        if (try? EventDate.parse(text)) != nil { count += 1 }
      }
    }
    #expect(count == days, "\(year)")
  }
}

@Test func daysCompareInCalendarOrder() throws {
  let texts = ["2024-12-31", "2025-01-01", "2025-01-31", "2025-02-01", "2025-11-30", "2025-12-01", "2025-12-31"]
  let days = try texts.map { try EventDate.parse($0).firstDay }
  #expect(days == days.sorted())
  #expect(Set(days).count == days.count)
}

@Test func aPartialDateSpansItsWholePeriod() throws {
  let november = try EventDate.parse("2025-11")
  #expect(try november.firstDay <= EventDate.parse("2025-11-01").firstDay)
  #expect(try november.lastDay == EventDate.parse("2025-11-30").lastDay)
  #expect(try november.lastDay < EventDate.parse("2025-12-01").firstDay)
  let year = try EventDate.parse("2025")
  #expect(try year.lastDay == EventDate.parse("2025-12-31").firstDay)
}
