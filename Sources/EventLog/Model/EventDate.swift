/// A calendar day as the integer `yyyymmdd`, so that days compare as integers.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var yyyymmdd: Int32

  public init(yyyymmdd: Int32) { self.yyyymmdd = yyyymmdd }

  public init(year: Int, month: Int, day: Int) {
    yyyymmdd = Int32(year * 10_000 + month * 100 + day)
  }

  /// Days since 0000-03-01, so that days compare and subtract as integers (0 to about 3.65 million).
  public var ordinal: Int { Int(daysFromCivil(year, month, day)) + 719_468 }

  public var year: Int { Int(yyyymmdd / 10_000) }
  public var month: Int { Int(yyyymmdd / 100 % 100) }
  public var day: Int { Int(yyyymmdd % 100) }

  public static func < (lhs: Day, rhs: Day) -> Bool { lhs.yyyymmdd < rhs.yyyymmdd }

  /// `YYYY-MM-DD`.
  public var description: String { EventDate(year: year, month: month, day: day).description }

  /// The UTC day containing `millisecondsSinceEpoch`.
  public init(millisecondsSinceEpoch ms: Int64) {
    let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
    let (y, m, d) = civilFromDays(days)
    self.init(year: y, month: m, day: d)
  }
}

/// When an event happened: a year, a month or a day, keeping that precision.
public struct EventDate: Sendable, Hashable, CustomStringConvertible {
  public enum Precision: Sendable { case year, month, day }

  public let year: Int
  /// 1-12, or 0 when only the year is known.
  public let month: Int
  /// 1-31, or 0 when the day is not known.
  public let day: Int

  init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  public var precision: Precision { month == 0 ? .year : day == 0 ? .month : .day }

  /// The first day of the period (`2025-11` -> 2025-11-01).
  public var firstDay: Day { Day(year: year, month: max(month, 1), day: max(day, 1)) }

  /// The last day of the period (`2025-11` -> 2025-11-30, `2025` -> 2025-12-31).
  public var lastDay: Day {
    if month == 0 { return Day(year: year, month: 12, day: 31) }
    if day == 0 { return Day(year: year, month: month, day: daysIn(month: month, year: year)) }
    return Day(year: year, month: month, day: day)
  }

  public var description: String {
    let count = month == 0 ? 4 : day == 0 ? 7 : 10
    return String(unsafeUninitializedCapacity: count) { out in
      writeDigits(year, 4, at: 0, in: out)
      if month > 0 {
        out[4] = UInt8(ascii: "-")
        writeDigits(month, 2, at: 5, in: out)
      }
      if day > 0 {
        out[7] = UInt8(ascii: "-")
        writeDigits(day, 2, at: 8, in: out)
      }
      return count
    }
  }

  /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real Gregorian date from year 0001 to 9999.
  /// - Throws: a message saying what is wrong and the expected form.
  public static func parse(_ text: String) throws(ValueError) -> EventDate {
    let original = text
    var text = text
    let result: Result<EventDate, ValueError> = text.withUTF8 { bytes in
      do throws(ValueError) { return .success(try parse(bytes, text: original)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Reads a date from UTF-8 bytes, as `parse(_:)` does, without a message.
  public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> EventDate? {
    // The message is built only on failure, from the bytes.
    try? parse(bytes, text: nil)
  }

  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, text: String?) throws(ValueError) -> EventDate {
    let form = "expected YYYY, YYYY-MM or YYYY-MM-DD"
    // Built only when a message is needed.
    var shown: String { text ?? String(decoding: bytes, as: UTF8.self) }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for index in range {
        let byte = bytes[index]
        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      return value
    }
    guard bytes.count == 4 || (bytes.count == 7 && bytes[4] == UInt8(ascii: "-"))
      || (bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-"))
    else { throw ValueError("\"\(shown)\" is not a date: \(form)") }
    guard let year = number(0..<4) else { throw ValueError("\"\(shown)\" is not a date: \(form)") }
    guard year >= 1 else { throw ValueError("\"\(shown)\" is not a date: years run from 0001 to 9999") }
    if bytes.count == 4 { return EventDate(year: year, month: 0, day: 0) }
    guard let month = number(5..<7) else { throw ValueError("\"\(shown)\" is not a date: \(form)") }
    guard month >= 1 && month <= 12 else {
      throw ValueError("\"\(shown)\" is not a real date: there is no month \(pad(month, 2)); \(form)")
    }
    if bytes.count == 7 { return EventDate(year: year, month: month, day: 0) }
    guard let day = number(8..<10) else { throw ValueError("\"\(shown)\" is not a date: \(form)") }
    guard day >= 1 else {
      throw ValueError("\"\(shown)\" is not a real date: there is no day 00; \(form)")
    }
    let length = daysIn(month: month, year: year)
    guard day <= length else {
      throw ValueError(
        "\"\(shown)\" is not a real date: \(monthNames[month - 1]) \(year) has \(length) days; \(form)")
    }
    return EventDate(year: year, month: month, day: day)
  }
}

let monthNames = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
]

/// Writes a non-negative `value` as `width` decimal digits, zero-padded, at
/// `start` of `out` (the canonical forms of dates and times are written so).
@inline(__always) func writeDigits(_ value: Int, _ width: Int, at start: Int, in out: UnsafeMutableBufferPointer<UInt8>) {
  var rest = value
  for index in (start..<start + width).reversed() {
    out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
    rest /= 10
  }
}

func pad(_ value: Int, _ width: Int) -> String {
  let digits = String(value)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

func daysIn(month: Int, year: Int) -> Int {
  switch month {
  case 2: isLeap(year) ? 29 : 28
  case 4, 6, 9, 11: 30
  default: 31
  }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
  let y = Int64(month <= 2 ? year - 1 : year)
  let era = (y >= 0 ? y : y - 399) / 400
  let yoe = y - era * 400
  let m = Int64(month)
  let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a count of days since 1970-01-01.
func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
  let z = days + 719_468
  let era = (z >= 0 ? z : z - 146_096) / 146_097
  let doe = z - era * 146_097
  let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  let mp = (5 * doy + 2) / 153
  let d = doy - (153 * mp + 2) / 5 + 1
  let m = mp < 10 ? mp + 3 : mp - 9
  let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return (Int(y), Int(m), Int(d))
}

/// A value that could not be read, with a message for the user.
public struct ValueError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong, in the data's own terms.
  public var message: String
  /// What the rest of the message depends on: how the event was given,
  /// which the command line words (`--set role=CEO` for flags).
  public var hint: InputHint?
  public init(_ message: String, hint: InputHint? = nil) {
    self.message = message
    self.hint = hint
  }
  /// The message alone, without the hint.
  public var description: String { message }
}
