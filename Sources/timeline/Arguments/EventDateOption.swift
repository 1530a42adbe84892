import EventLog

/// The date of an event to write (`add --date`, `retract --date`): `YYYY`,
/// `YYYY-MM`, `YYYY-MM-DD`, or `today` or `yesterday` resolved to the day
/// they mean, so that the log never holds a relative date.
func eventDate(_ text: String, today: Day) throws(ValueError) -> EventDate {
  switch text.lowercased() {
  case "today", "yesterday":
    return EventDate(try QueryDate.parse(text, today: today).first)
  default:
    do { return try EventDate.parse(text) } catch {
      if QueryDate.isCalendarShape(text) { throw error }
      throw ValueError("\"\(text)\" is not a date of an event: use YYYY, YYYY-MM or YYYY-MM-DD, or today or yesterday (stored as the day they mean)")
    }
  }
}

extension EventDate {
  /// The day-precision date of a day.
  static func parse(day: Day) -> EventDate {
    // A Day is always a real date, so this cannot fail.
    (try? EventDate.parse(day.description))!
  }
}
