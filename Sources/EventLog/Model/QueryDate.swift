/// A span of days a query date stands for: one day (`2025-12-10`, `today`),
/// or a month, quarter, week or year. A query reads its end (`--at`, `--to`)
/// or its start (`--from`).
public struct DatePeriod: Sendable, Hashable, CustomStringConvertible {
  public var first: Day
  public var last: Day

  public init(first: Day, last: Day) {
    self.first = first
    self.last = last
  }

  init(_ date: EventDate) { self.init(first: date.firstDay, last: date.lastDay) }

  public var description: String { first == last ? first.description : "\(first)..\(last)" }
}

/// Query dates as people say them: the one parser of `--at`, `--from`,
/// `--to`, `--period`, diff's dates and `--known-at`. Pure: "today" is passed in.
public enum QueryDate {
  /// One accepted form: how it is written, what it means, and how it is read.
  public struct Form: Sendable {
    /// How it is written, as help shows it (`YYYY-Qn`).
    public let syntax: String
    /// What it stands for.
    public let meaning: String
    /// The period, or nil when `text` (lowercased) is not written this way;
    /// throws when it is written this way but names no real period (`2025-Q5`).
    let read: @Sendable (_ text: [UInt8], _ today: Day) throws(ValueError) -> DatePeriod?
  }

  /// Every form, in the order they are tried (and listed).
  public static let forms: [Form] = [
    Form(syntax: "YYYY, YYYY-MM, YYYY-MM-DD", meaning: "a year, a month or a day") { text, _ throws(ValueError) in
      guard isCalendarShape(text) else { return nil }
      return DatePeriod(try EventDate.parse(String(decoding: text, as: UTF8.self)))
    },
    Form(syntax: "YYYY-Qn, YYYYQn", meaning: "a quarter: 2025-Q4 is 2025-10-01 to 2025-12-31") { text, _ throws(ValueError) in
      try quarter(text)
    },
    Form(syntax: "today", meaning: "the day (UTC, unless the caller fixes another)") { text, today in
      text == Array("today".utf8) ? DatePeriod(first: today, last: today) : nil
    },
    Form(syntax: "yesterday", meaning: "the day before today") { text, today throws(ValueError) in
      guard text == Array("yesterday".utf8) else { return nil }
      let day = try shifted(today, by: -1)
      return DatePeriod(first: day, last: day)
    },
    Form(syntax: "this week, last week", meaning: "an ISO week, Monday to Sunday") { text, today throws(ValueError) in
      guard let back = relative(text, "week") else { return nil }
      let monday = try shifted(today, by: -Int64(weekday(today)) - 7 * Int64(back))
      return DatePeriod(first: monday, last: try shifted(monday, by: 6))
    },
    Form(syntax: "this month, last month", meaning: "a calendar month") { text, today throws(ValueError) in
      guard let back = relative(text, "month") else { return nil }
      let index = today.year * 12 + today.month - 1 - back
      return try period(year: index / 12, months: index % 12 + 1, index % 12 + 1)
    },
    Form(syntax: "this quarter, last quarter", meaning: "January-March, April-June, July-September or October-December") {
      text, today throws(ValueError) in
      guard let back = relative(text, "quarter") else { return nil }
      let index = today.year * 4 + (today.month - 1) / 3 - back
      return try period(year: index / 4, months: index % 4 * 3 + 1, index % 4 * 3 + 3)
    },
    Form(syntax: "this year, last year", meaning: "a calendar year") { text, today throws(ValueError) in
      guard let back = relative(text, "year") else { return nil }
      return try period(year: today.year - back, months: 1, 12)
    },
  ]

  /// The forms in one line, for messages: what to write instead.
  public static let accepted =
    "use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYYQn, today, yesterday, or this or last followed by week, month, quarter or year ('last month' or last-month)"

  /// Reads a query date as the period of days it stands for.
  /// - Parameter today: the day `today`, `this week` and the others count from.
  /// - Throws: what is wrong, and the forms that are accepted.
  public static func parse(_ text: String, today: Day) throws(ValueError) -> DatePeriod {
    let bytes = Array(text.utf8).map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
    for form in forms {
      do throws(ValueError) {
        if let period = try form.read(bytes, today) { return period }
      } catch {
        throw error.message.hasPrefix("\"") ? error : ValueError("\"\(text)\" (as of \(today)): \(error.message)")
      }
    }
    throw ValueError("\"\(text)\" is not a date: \(accepted)")
  }

  /// Reads a window `A..B`, either end of which may be left out (`2025-11..`,
  /// `..2025-12`); a single date `D` is the window of its own period, `D..D`.
  /// - Returns: the periods of its two ends (nil where left open).
  public static func parseWindow(_ text: String, today: Day) throws(ValueError) -> (from: DatePeriod?, to: DatePeriod?) {
    guard let dots = text.firstRange(of: "..") else {
      let period = try parse(text, today: today)
      return (period, period)
    }
    let start = String(text[..<dots.lowerBound])
    let end = String(text[dots.upperBound...])
    if start.isEmpty && end.isEmpty {
      throw ValueError("\"\(text)\" is not a period: give at least one end, as in 2025-11..2025-12, 2025-11.. or ..2025-12")
    }
    if end.contains("..") {
      throw ValueError("\"\(text)\" is not a period: write one .. between the two ends, as in 2025-11..2025-12")
    }
    return (start.isEmpty ? nil : try parse(start, today: today), end.isEmpty ? nil : try parse(end, today: today))
  }

  /// Whether `text` is written as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (digits
  /// and hyphens where they go), whether or not the date is real.
  public static func isCalendarShape(_ text: String) -> Bool { isCalendarShape(Array(text.utf8)) }

  // MARK: - Pieces of the forms

  /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` in shape (digits and hyphens where they
  /// go), so that EventDate says what is wrong with the numbers.
  static func isCalendarShape(_ text: [UInt8]) -> Bool {
    guard text.count == 4 || text.count == 7 || text.count == 10 else { return false }
    for (index, byte) in text.enumerated() {
      let hyphen = index == 4 || index == 7
      guard hyphen ? byte == UInt8(ascii: "-") : (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) else { return false }
    }
    return true
  }

  /// `YYYY-Qn` or `YYYYQn` (text lowercased).
  static func quarter(_ text: [UInt8]) throws(ValueError) -> DatePeriod? {
    let q = text.count - 2
    guard text.count == 6 || (text.count == 7 && text[4] == UInt8(ascii: "-")), text[q] == UInt8(ascii: "q"),
      let year = digits(text[0..<4]), let n = digits(text[(q + 1)...])
    else { return nil }
    let shown = String(decoding: text, as: UTF8.self).uppercased()
    guard year >= 1 else { throw ValueError("\"\(shown)\" is not a date: years run from 0001 to 9999") }
    guard n >= 1 && n <= 4 else { throw ValueError("\"\(shown)\" is not a real quarter: there is no quarter \(n); quarters are Q1 to Q4") }
    return try period(year: year, months: n * 3 - 2, n * 3)
  }

  static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
    var value = 0
    for byte in bytes {
      guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }

  /// `this UNIT` (0) or `last UNIT` (1), with a space or a hyphen between.
  static func relative(_ text: [UInt8], _ unit: String) -> Int? {
    for (word, back) in [("this", 0), ("last", 1)] {
      let words = Array(word.utf8), tail = Array(unit.utf8)
      guard text.count == words.count + 1 + tail.count, text.starts(with: words),
        text[words.count] == UInt8(ascii: " ") || text[words.count] == UInt8(ascii: "-"),
        text.suffix(tail.count).elementsEqual(tail)
      else { continue }
      return back
    }
    return nil
  }

  /// Monday 0 to Sunday 6 (1970-01-01 was a Thursday).
  static func weekday(_ day: Day) -> Int {
    Int(((day.daysSince1970 + 3) % 7 + 7) % 7)
  }

  static let earliest = Day(year: 1, month: 1, day: 1)
  static let latest = Day(year: 9999, month: 12, day: 31)

  /// The day `count` days after `day`, within the years 0001 to 9999.
  static func shifted(_ day: Day, by count: Int64) throws(ValueError) -> Day {
    let days = day.daysSince1970 + count
    guard days >= earliest.daysSince1970 else { throw ValueError("the period would begin before 0001-01-01, the first day a date can have") }
    guard days <= latest.daysSince1970 else { throw ValueError("the period would end after 9999-12-31, the last day a date can have") }
    return Day(daysSince1970: days)
  }

  /// The months `first` to `last` of `year`.
  static func period(year: Int, months first: Int, _ last: Int) throws(ValueError) -> DatePeriod {
    guard year >= 1 else { throw ValueError("the period would begin before 0001-01-01, the first day a date can have") }
    guard year <= 9999 else { throw ValueError("the period would end after 9999-12-31, the last day a date can have") }
    return DatePeriod(
      first: Day(year: year, month: first, day: 1), last: Day(year: year, month: last, day: daysIn(month: last, year: year)))
  }
}
