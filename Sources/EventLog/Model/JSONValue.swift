/// A JSON document as the strict parser reads it. Objects keep their members
/// in order, duplicates included, so that the event layer can refuse them.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(JSONNumber)
  case string(String)
  case array([JSONValue])
  case object([JSONMember])

  /// A short name of the value's type for error messages ("a string", "an array").
  public var typeDescription: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Sendable, Equatable {
  public var key: String
  public var value: JSONValue

  public init(_ key: String, _ value: JSONValue) {
    self.key = key
    self.value = value
  }
}

/// A JSON number: its text as written and the nearest double.
public struct JSONNumber: Sendable, Equatable {
  /// The number exactly as it appeared in the input.
  public var literal: String
  /// The IEEE-754 double nearest to `literal` (may be infinite or zero when out of range).
  public var value: Double

  public init(literal: String, value: Double) {
    self.literal = literal
    self.value = value
  }

  /// The double, if the literal names it exactly: finite, and with no decimal
  /// digits beyond what the double holds (`0.1`, `1.50`, `1e3` pass;
  /// `1e400`, `9007199254740993` and `1e-400` do not).
  public var exactValue: Double? {
    guard value.isFinite else { return nil }
    guard let written = DecimalDigits(literal: literal) else { return nil }
    if value == 0 { return written.digits.isEmpty ? value : nil }
    return written == DecimalDigits(shortest: value) ? value : nil
  }
}

/// A decimal number as significant digits and an exponent: value = 0.d1d2d3... x 10^exponent.
struct DecimalDigits: Equatable {
  var negative: Bool
  /// Significant digits, no leading or trailing zeros; empty for zero.
  var digits: [UInt8]
  /// Position of the decimal point relative to the first digit.
  var exponent: Int

  /// Reads a JSON number literal.
  init?(literal: String) {
    var bytes = Array(literal.utf8)[...]
    negative = bytes.first == UInt8(ascii: "-")
    if negative { bytes = bytes.dropFirst() }
    var mantissa: [UInt8] = []
    var pointPosition: Int?
    var exp = 0
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let byte = bytes[index]
      if byte == UInt8(ascii: ".") {
        pointPosition = mantissa.count
      } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
        guard let value = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)) else {
          // An exponent too large for Int is far beyond any double.
          return nil
        }
        exp = value
        break
      } else {
        mantissa.append(byte - UInt8(ascii: "0"))
      }
      index += 1
    }
    let integerDigits = pointPosition ?? mantissa.count
    var start = 0
    while start < mantissa.count && mantissa[start] == 0 { start += 1 }
    var end = mantissa.count
    while end > start && mantissa[end - 1] == 0 { end -= 1 }
    digits = Array(mantissa[start..<end])
    let (sum, overflow) = (integerDigits - start).addingReportingOverflow(exp)
    if overflow { return nil }
    exponent = digits.isEmpty ? 0 : sum
  }

  /// The shortest digits that round-trip `value` (finite, non-zero).
  init(shortest value: Double) {
    // Swift's description of a Double is its shortest round-trip form
    // ("500000000000.0", "1e+21", "5e-324"), always a valid literal here.
    self.init(literal: value.magnitude.description)!
    negative = value < 0
  }
}
