import EventLog
import Testing

/// 2025-12-10T08:15:02.114Z in milliseconds since the epoch, worked out by hand:
/// 20432 days from 1970-01-01 to 2025-12-10, then 8 h 15 min 2.114 s.
let referenceMilliseconds: Int64 = 20432 * 86_400_000 + (8 * 3600 + 15 * 60 + 2) * 1000 + 114

/// RFC 3339 forms that name the same instant, 2025-12-10T08:15:02.114Z.
@Test(arguments: [
  "2025-12-10T08:15:02.114Z",
  "2025-12-10t08:15:02.114z",
  "2025-12-10T09:15:02.114+01:00",
  "2025-12-10T03:45:02.114-04:30",
  "2025-12-11T01:15:02.114+17:00",
  "2025-12-09T23:15:02.114-09:00",
  "2025-12-10T08:15:02.114+00:00",
  "2025-12-10T08:15:02.114-00:00",
  "2025-12-10T08:15:02.1140Z",
  "2025-12-10T08:15:02.114000Z",
])
func timestampFormsNameTheSameInstant(text: String) throws {
  let time = try Timestamp.parse(text)
  #expect(time.milliseconds == referenceMilliseconds)
  #expect(time.description == "2025-12-10T08:15:02.114Z", "written back in the canonical UTC form")
}

/// Fewer fraction digits, or none, are read as milliseconds.
@Test(arguments: [
  ("2025-12-10T08:15:02Z", 0),
  ("2025-12-10T08:15:02.1Z", 100),
  ("2025-12-10T08:15:02.11Z", 110),
  ("2025-12-10T08:15:02.114Z", 114),
  ("2025-12-10T08:15:02.009Z", 9),
])
func fewerFractionDigitsAreMilliseconds(text: String, millis: Int64) throws {
  let time = try Timestamp.parse(text)
  #expect(time.milliseconds % 1000 == millis)
  #expect(time.description.hasSuffix(String(format3(millis)) + "Z"))
}

private func format3(_ value: Int64) -> String {
  let digits = String(value)
  return "." + String(repeating: "0", count: 3 - digits.count) + digits
}

/// Timestamps that are refused, with a piece of the reason.
@Test(arguments: [
  ("2025-12-10T08:15:02.1141Z", "more precise than a millisecond"),
  ("2025-12-10T08:15:02.000001Z", "more precise than a millisecond"),
  ("2025-12-10T08:15:02", "RFC 3339"),
  ("2025-12-10T08:15:02.114", "no time zone"),
  ("2025-12-10T08:15:02+0100", "time zone offset"),
  ("2025-12-10T08:15:02+1:00", "time zone offset"),
  ("2025-12-10T08:15:02+24:00", "time zone offset"),
  ("2025-12-10T08:15:02.Z", "not a timestamp"),
  ("2025-12-10T08:15Z", "not a timestamp"),
  ("2025-12-10", "not a timestamp"),
  ("2025-12-10 08:15:02Z", "not a timestamp"),
  ("2025-12-10T08:15:02ZZ", "not a timestamp"),
  ("2025-02-30T08:15:02Z", "not a real time"),
  ("2025-12-10T24:00:00Z", "not a real time"),
  ("2025-12-10T08:60:00Z", "not a real time"),
  ("2025-13-10T08:15:02Z", "not a real time"),
  ("0000-12-10T08:15:02Z", "not a real time"),
  ("", "not a timestamp"),
])
func invalidTimestampIsRefused(text: String, reason: String) {
  do {
    let time = try Timestamp.parse(text)
    Issue.record("\(text) was read as \(time)")
  } catch {
    #expect(error.message.contains(reason), "\(error.message)")
  }
}

@Test func timestampsOrderAsInstantsWhateverTheirOffset() throws {
  let early = try Timestamp.parse("2025-12-10T09:00:00.000+02:00")  // 07:00Z
  let late = try Timestamp.parse("2025-12-10T08:00:00.000Z")
  #expect(early < late)
  #expect(early.next.milliseconds == early.milliseconds + 1)
}

@Test(arguments: [
  ("1970-01-01", "1970-01-01T23:59:59.999Z"),
  ("2024-02-29", "2024-02-29T23:59:59.999Z"),
  ("2025-12-31", "2025-12-31T23:59:59.999Z"),
  ("1969-12-31", "1969-12-31T23:59:59.999Z"),
])
func endOfDayIsItsLastMillisecond(day: String, expected: String) throws {
  let end = Timestamp.endOf(try EventDate.parse(day).lastDay)
  #expect(end.description == expected)
  #expect(try Timestamp.parse(expected) == end)
}

@Test func canonicalFormRoundTripsOverAWideRangeOfInstants() throws {
  var ms: Int64 = -86_400_000 * 365
  while ms < 86_400_000 * 365 * 80 {
    let time = Timestamp(milliseconds: ms)
    #expect(try Timestamp.parse(time.description) == time, "\(time)")
    ms += 7_777_777_777
  }
}

/// A query's time bound takes any RFC 3339 instant, and rounds one that no
/// millisecond holds to the millisecond just inside its window: a finer
/// fraction up for a lower bound and down for an upper one; a leap second
/// (`:60`) after every millisecond of its minute's :59 for a lower bound,
/// the last of them for an upper one. A stored time still refuses a finer fraction.
@Test(arguments: [
  ("2025-12-02T23:59:59.9995Z", "2025-12-02T23:59:59.999Z", "2025-12-03T00:00:00.000Z"),
  ("2025-12-02T23:59:59.9990001Z", "2025-12-02T23:59:59.999Z", "2025-12-03T00:00:00.000Z"),
  ("2025-12-02T23:59:59.1230Z", "2025-12-02T23:59:59.123Z", "2025-12-02T23:59:59.123Z"),
  ("2025-12-02T23:59:60Z", "2025-12-02T23:59:59.999Z", "2025-12-03T00:00:00.000Z"),
  ("2025-12-02T23:59:60.5Z", "2025-12-02T23:59:59.999Z", "2025-12-03T00:00:00.000Z"),
  ("2025-12-03T00:59:60+01:00", "2025-12-02T23:59:59.999Z", "2025-12-03T00:00:00.000Z"),
] as [(String, String, String)])
func aBoundRoundsToTheMillisecondJustInsideItsWindow(text: String, upper: String, lower: String) throws {
  #expect(try Timestamp.parse(text, bound: .upper).description == upper)
  #expect(try Timestamp.parse(text, bound: .lower).description == lower)
}

/// A stored time (no bound) refuses a fraction finer than a millisecond,
/// which the bounds above round.
@Test(arguments: ["2025-12-02T23:59:59.9995Z", "2025-12-02T23:59:59.9990001Z"])
func aStoredTimeRefusesAFractionFinerThanAMillisecond(text: String) throws {
  #expect(throws: ValueError.self) { try Timestamp.parse(text) }
  #expect(try Timestamp.parse(text, bound: .upper).description == "2025-12-02T23:59:59.999Z")
}

@Test func theCanonicalFormIsFixedWidthAtBothEndsOfTheRange() {
  #expect(Timestamp.latest.description == "9999-12-31T23:59:59.999Z")
  #expect(Timestamp(milliseconds: -62_167_219_200_000).description == "0000-01-01T00:00:00.000Z")
  #expect(Timestamp(milliseconds: 1_765_354_502_114).description == "2025-12-10T08:15:02.114Z")
  #expect(Timestamp(milliseconds: -1).description == "1969-12-31T23:59:59.999Z")
}
