extension Day {
  /// Days since 1970-01-01 (negative before), for measuring spans of time.
  public var daysSince1970: Int64 { daysFromCivil(year, month, day) }

  /// The day a count of days after 1970-01-01.
  public init(daysSince1970 days: Int64) {
    let (y, m, d) = civilFromDays(days)
    self.init(year: y, month: m, day: d)
  }
}

extension EventDate {
  /// The day-precision date of a day.
  public init(_ day: Day) {
    self.init(year: day.year, month: day.month, day: day.day)
  }
}
