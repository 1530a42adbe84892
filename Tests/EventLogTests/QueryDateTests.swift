import EventLog
import Testing

private func day(_ text: String) -> Day { (try! EventDate.parse(text)).firstDay }

/// Every form of query date, as of a fixed today: the text, today, and the
/// first and last day of the period it stands for. Edges: year boundaries,
/// leap years, Q4, ISO weeks that span two years.
@Test(arguments: [
  // Calendar dates, as EventDate reads them.
  ("2025", "2025-12-10", "2025-01-01", "2025-12-31"),
  ("2025-02", "2025-12-10", "2025-02-01", "2025-02-28"),
  ("2024-02", "2025-12-10", "2024-02-01", "2024-02-29"),
  ("2025-12-11", "2025-12-10", "2025-12-11", "2025-12-11"),
  // Quarters, with and without the hyphen, either case.
  ("2025-Q4", "2025-12-10", "2025-10-01", "2025-12-31"),
  ("2025Q4", "2025-12-10", "2025-10-01", "2025-12-31"),
  ("2025q1", "2025-12-10", "2025-01-01", "2025-03-31"),
  ("2024-Q1", "2025-12-10", "2024-01-01", "2024-03-31"),
  ("2025-Q2", "2025-12-10", "2025-04-01", "2025-06-30"),
  ("2025-q3", "2025-12-10", "2025-07-01", "2025-09-30"),
  // Days.
  ("today", "2025-12-10", "2025-12-10", "2025-12-10"),
  ("TODAY", "2025-12-10", "2025-12-10", "2025-12-10"),
  ("yesterday", "2025-12-10", "2025-12-09", "2025-12-09"),
  ("yesterday", "2025-01-01", "2024-12-31", "2024-12-31"),
  ("yesterday", "2024-03-01", "2024-02-29", "2024-02-29"),
  ("yesterday", "2025-03-01", "2025-02-28", "2025-02-28"),
  // ISO weeks, Monday to Sunday: 2025-12-10 is a Wednesday.
  ("this week", "2025-12-10", "2025-12-08", "2025-12-14"),
  ("this-week", "2025-12-08", "2025-12-08", "2025-12-14"),
  ("this week", "2025-12-14", "2025-12-08", "2025-12-14"),
  ("last week", "2025-12-10", "2025-12-01", "2025-12-07"),
  ("this week", "2026-01-01", "2025-12-29", "2026-01-04"),
  ("last week", "2026-01-01", "2025-12-22", "2025-12-28"),
  ("this week", "2027-01-01", "2026-12-28", "2027-01-03"),
  ("last week", "2024-03-04", "2024-02-26", "2024-03-03"),
  ("this week", "0001-01-01", "0001-01-01", "0001-01-07"),
  // Months.
  ("this month", "2025-12-10", "2025-12-01", "2025-12-31"),
  ("last month", "2025-12-10", "2025-11-01", "2025-11-30"),
  ("last-month", "2025-01-15", "2024-12-01", "2024-12-31"),
  ("LAST MONTH", "2024-03-31", "2024-02-01", "2024-02-29"),
  ("last month", "2025-03-31", "2025-02-01", "2025-02-28"),
  // Quarters.
  ("this quarter", "2025-12-10", "2025-10-01", "2025-12-31"),
  ("last quarter", "2025-12-10", "2025-07-01", "2025-09-30"),
  ("last-quarter", "2026-02-01", "2025-10-01", "2025-12-31"),
  ("this quarter", "2024-02-29", "2024-01-01", "2024-03-31"),
  // Years.
  ("this year", "2025-12-10", "2025-01-01", "2025-12-31"),
  ("last year", "2025-12-10", "2024-01-01", "2024-12-31"),
  ("last-year", "2025-01-01", "2024-01-01", "2024-12-31"),
])
func queryDateFormsMeanTheirPeriod(text: String, today: String, first: String, last: String) throws {
  let period = try QueryDate.parse(text, today: day(today))
  #expect(period.first.description == first, "\(text) as of \(today)")
  #expect(period.last.description == last, "\(text) as of \(today)")
}

/// What is refused, as of 2025-12-10 unless given, with a piece of the message that says why.
@Test(arguments: [
  ("next month", "2025-12-10", "use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYYQn, today, yesterday, or this or last"),
  ("tomorrow", "2025-12-10", "is not a date: use"),
  ("last decade", "2025-12-10", "is not a date: use"),
  ("last  month", "2025-12-10", "is not a date: use"),
  ("lastmonth", "2025-12-10", "is not a date: use"),
  ("this_month", "2025-12-10", "is not a date: use"),
  (" today", "2025-12-10", "is not a date: use"),
  ("", "2025-12-10", "is not a date: use"),
  ("2025-Q5", "2025-12-10", "there is no quarter 5; quarters are Q1 to Q4"),
  ("2025Q0", "2025-12-10", "there is no quarter 0"),
  ("2025-Q", "2025-12-10", "is not a date: use"),
  ("2025-Q12", "2025-12-10", "is not a date: use"),
  ("0000-Q1", "2025-12-10", "years run from 0001 to 9999"),
  ("2025-13", "2025-12-10", "there is no month 13"),
  ("2025-02-29", "2025-12-10", "February 2025 has 28 days"),
  ("0000", "2025-12-10", "years run from 0001 to 9999"),
  ("yesterday", "0001-01-01", "before 0001-01-01"),
  ("last week", "0001-01-03", "before 0001-01-01"),
  ("last month", "0001-01-31", "before 0001-01-01"),
  ("last quarter", "0001-02-01", "before 0001-01-01"),
  ("last year", "0001-06-01", "before 0001-01-01"),
  ("this week", "9999-12-31", "after 9999-12-31"),
])
func queryDateRefusesWithTheReason(text: String, today: String, message: String) {
  #expect(throws: ValueError.self, "\(text.debugDescription)") { try QueryDate.parse(text, today: day(today)) }
  do {
    _ = try QueryDate.parse(text, today: day(today))
  } catch {
    #expect(error.message.contains(message), "\(text.debugDescription): \(error.message)")
  }
}

/// Windows `A..B`: either end may be open; a single date is its own period.
@Test(arguments: [
  ("2025-11..2025-12", "2025-11-01", "2025-12-31"),
  ("2025-11..", "2025-11-01", nil),
  ("..2025-12", nil, "2025-12-31"),
  ("2025-Q4", "2025-10-01", "2025-12-31"),
  ("last month..today", "2025-11-01", "2025-12-10"),
  ("2024..this quarter", "2024-01-01", "2025-12-31"),
] as [(String, String?, String?)])
func windowsHaveTwoEndsEitherOpen(text: String, from: String?, to: String?) throws {
  let window = try QueryDate.parseWindow(text, today: day("2025-12-10"))
  #expect(window.from?.first.description == from, "\(text)")
  #expect(window.to?.last.description == to, "\(text)")
}

@Test(arguments: [("..", "give at least one end"), ("2025..2026..2027", "one .."), ("2025-11..soon", "\"soon\" is not a date")])
func badWindowsAreRefused(text: String, message: String) {
  do {
    _ = try QueryDate.parseWindow(text, today: day("2025-12-10"))
    Issue.record("\(text) was accepted")
  } catch {
    #expect(error.message.contains(message), "\(text): \(error.message)")
  }
}

/// The table lists every form that is accepted, for help and messages.
@Test func everyFormIsListed() {
  let syntax = QueryDate.forms.map(\.syntax).joined(separator: ", ")
  for word in ["YYYY-MM-DD", "YYYY-Qn", "YYYYQn", "today", "yesterday", "this week", "last month", "last quarter", "this year"] {
    #expect(syntax.contains(word), "\(word) is not in the table of forms")
  }
}
