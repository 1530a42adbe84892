/// A transaction time: milliseconds since 1970-01-01T00:00:00Z.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var milliseconds: Int64

  public init(milliseconds: Int64) { self.milliseconds = milliseconds }

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

  /// One millisecond later.
  public var next: Timestamp { Timestamp(milliseconds: milliseconds + 1) }

  /// 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants that
  /// RFC 3339 (a four-digit year) can write in UTC, so the only ones a log holds.
  public static let earliest = Timestamp(milliseconds: daysFromCivil(1, 1, 1) * 86_400_000)
  public static let latest = Timestamp(milliseconds: daysFromCivil(9999, 12, 31) * 86_400_000 + 86_399_999)

  /// RFC 3339 in UTC with milliseconds: `2025-12-10T08:15:02.114Z`.
  public var description: String {
    let ms = milliseconds
    let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
    let inDay = ms - days * 86_400_000
    let (y, m, d) = civilFromDays(days)
    let seconds = Int(inDay / 1000)
    guard (0...9999).contains(y) else {
      return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(seconds / 3600, 2) + ":"
        + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "." + pad(Int(inDay % 1000), 3) + "Z"
    }
    // Written into one buffer: a listing formats one per event.
    return String(unsafeUninitializedCapacity: 24) { out in
      /// A field's digits, and the character after it.
      func field(_ value: Int, _ width: Int, at start: Int, then separator: Unicode.Scalar) {
        writeDigits(value, width, at: start, in: out)
        out[start + width] = UInt8(ascii: separator)
      }
      field(y, 4, at: 0, then: "-")
      field(m, 2, at: 5, then: "-")
      field(d, 2, at: 8, then: "T")
      field(seconds / 3600, 2, at: 11, then: ":")
      field(seconds / 60 % 60, 2, at: 14, then: ":")
      field(seconds % 60, 2, at: 17, then: ".")
      field(Int(inDay % 1000), 3, at: 20, then: "Z")
      return 24
    }
  }

  /// The last millisecond of a UTC day.
  public static func endOf(_ day: Day) -> Timestamp {
    Timestamp(milliseconds: daysFromCivil(day.year, day.month, day.day) * 86_400_000 + 86_399_999)
  }

  /// Reads an RFC 3339 timestamp (`2025-12-10T08:15:02.114Z`, `2025-12-10T09:15:02+01:00`;
  /// at most millisecond precision) as the instant it names.
  public static func parse(_ text: String) throws(ValueError) -> Timestamp {
    try parse(text, bound: nil)
  }

  /// Which end of a window a time given to a query bounds: an instant that no
  /// millisecond holds (a fraction finer than 1 ms, a leap second `:60`) is
  /// taken as the first millisecond after it for a lower bound, the last
  /// before it for an upper one, so that the window keeps exactly the
  /// records RFC 3339's instant does.
  public enum Bound: Sendable { case lower, upper }

  /// Reads a query's time bound: any RFC 3339 timestamp (any number of
  /// fractional digits, a leap second), rounded to a millisecond as `bound` says.
  public static func parse(_ text: String, bound: Bound?) throws(ValueError) -> Timestamp {
    let original = text
    var text = text
    let result: Result<Timestamp, ValueError> = text.withUTF8 { bytes in
      do throws(ValueError) { return .success(try parse(bytes, text: original, bound: bound)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Reads a timestamp from UTF-8 bytes, as `parse(_:)` does, without a message.
  public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    canonical(bytes) ?? (try? parse(bytes, text: nil))
  }

  /// The canonical form, `YYYY-MM-DDTHH:MM:SS.mmmZ`, read without detours.
  @inline(__always) static func canonical(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    guard b.count == 24, b[4] == 0x2d, b[7] == 0x2d, b[10] == 0x54, b[13] == 0x3a, b[16] == 0x3a, b[19] == 0x2e,
      b[23] == 0x5a
    else { return nil }
    @inline(__always) func d(_ index: Int) -> Int { Int(b[index]) &- 0x30 }
    // Every position but the separators holds a digit.
    for index in 0..<23 where index != 4 && index != 7 && index != 10 && index != 13 && index != 16 && index != 19 {
      if UInt8(truncatingIfNeeded: d(index)) > 9 { return nil }
    }
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
    let month = d(5) * 10 + d(6)
    let day = d(8) * 10 + d(9)
    let hour = d(11) * 10 + d(12)
    let minute = d(14) * 10 + d(15)
    let second = d(17) * 10 + d(18)
    guard year >= 1, month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year), hour <= 23,
      minute <= 59, second <= 59
    else { return nil }
    let millis = d(20) * 100 + d(21) * 10 + d(22)
    let seconds = daysFromCivil(year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    return Timestamp(milliseconds: seconds * 1000 + Int64(millis))
  }

  static func parse(_ b: UnsafeBufferPointer<UInt8>, text: String?, bound: Bound? = nil) throws(ValueError) -> Timestamp {
    let form = "expected an RFC 3339 timestamp like 2025-12-10T08:15:02.114Z"
    // Built only when a message is needed.
    var shown: String { text ?? String(decoding: b, as: UTF8.self) }
    func digits(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= b.count else { return nil }
      var value = 0
      for index in range {
        guard b[index] >= 0x30 && b[index] <= 0x39 else { return nil }
        value = value * 10 + Int(b[index] - 0x30)
      }
      return value
    }
    guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
      b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
      let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
      let hour = digits(11..<13), let minute = digits(14..<16), let second = digits(17..<19)
    else { throw ValueError("\"\(shown)\" is not a timestamp: \(form)") }
    guard year >= 1, month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year),
      hour <= 23, minute <= 59, second <= 60
    else { throw ValueError("\"\(shown)\" is not a real time: \(form)") }
    var index = 19
    var millis = 0
    var finer = false  // a fraction of a millisecond left over
    if b[index] == UInt8(ascii: ".") {
      index += 1
      let fractionStart = index
      while index < b.count, b[index] >= 0x30, b[index] <= 0x39 { index += 1 }
      let count = index - fractionStart
      guard count >= 1 else { throw ValueError("\"\(shown)\" is not a timestamp: \(form)") }
      for position in 0..<count where position >= 3 && b[fractionStart + position] != 0x30 {
        guard bound != nil else {
          throw ValueError("\"\(shown)\" is more precise than a millisecond; round it to 3 fractional digits")
        }
        finer = true
      }
      for position in 0..<3 {
        millis = millis * 10 + (position < count ? Int(b[fractionStart + position] - 0x30) : 0)
      }
    }
    // A stored time keeps what it says, a leap second read as :59; a bound is
    // the millisecond just inside its window.
    switch bound {
    case nil: break
    case .upper?: if second == 60 { millis = 999 }
    case .lower?: if second == 60 { millis = 1000 } else if finer { millis += 1 }
    }
    var offsetMinutes = 0
    guard index < b.count else { throw ValueError("\"\(shown)\" has no time zone: \(form)") }
    switch b[index] {
    case UInt8(ascii: "Z"), UInt8(ascii: "z"):
      index += 1
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
      guard b.count == index + 6, b[index + 3] == UInt8(ascii: ":"),
        let hours = digits(index + 1..<index + 3), let minutes = digits(index + 4..<index + 6), hours <= 23, minutes <= 59
      else { throw ValueError("\"\(shown)\" has a bad time zone offset: \(form)") }
      offsetMinutes = (hours * 60 + minutes) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
      index += 6
    default:
      throw ValueError("\"\(shown)\" is not a timestamp: \(form)")
    }
    guard index == b.count else { throw ValueError("\"\(shown)\" is not a timestamp: \(form)") }
    let seconds = daysFromCivil(year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
      - Int64(offsetMinutes * 60)
    let instant = Timestamp(milliseconds: seconds * 1000 + Int64(millis))
    // An offset can carry 0001-01-01 or 9999-12-31 out of the years UTC can write.
    guard instant >= earliest && instant <= latest else {
      throw ValueError("\"\(shown)\" is \(instant < earliest ? "before 0001-01-01T00:00:00Z" : "after 9999-12-31T23:59:59.999Z") in UTC, outside the years 0001 to 9999 that a timestamp can be written in")
    }
    return instant
  }
}
