/// Why a JSON text was refused, and where: `column` is the 1-based byte
/// position in the text.
public struct JSONSyntaxError: Error, Sendable, Equatable {
  public var column: Int
  public var message: String

  public var description: String { "\(message) at column \(column)" }
}

/// A strict RFC 8259 parser working on bytes: UTF-8 only (invalid sequences,
/// overlong forms and encoded surrogates are refused), no lone surrogate
/// escapes, no trailing commas, comments, NaN or leading zeros, and at most
/// `maximumDepth` nested arrays and objects. Duplicate keys are kept for the
/// caller to judge.
public struct JSONParser {
  /// Arrays and objects nest at most this deep; an event needs 3.
  public static let maximumDepth = 64

  private let bytes: UnsafeRawBufferPointer
  private var index = 0
  private var depth = 0

  private init(_ bytes: UnsafeRawBufferPointer) {
    self.bytes = bytes
  }

  /// Parses one whole JSON text (surrounding whitespace allowed).
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
    var parser = JSONParser(bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue()
    parser.skipWhitespace()
    if parser.index < bytes.count {
      throw parser.error("unexpected \(parser.describeCurrent()) after the JSON value")
    }
    return value
  }

  /// Parses one whole JSON text held in a byte array.
  public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
    let result: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBytes { raw in
      do throws(JSONSyntaxError) { return .success(try parse(raw)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  private func error(_ message: String, at position: Int? = nil) -> JSONSyntaxError {
    JSONSyntaxError(column: (position ?? index) + 1, message: message)
  }

  private func describeCurrent() -> String {
    guard index < bytes.count else { return "end of line" }
    let byte = bytes[index]
    if byte >= 0x20 && byte < 0x7f { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x\(hexString([byte]))"
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0a, 0x0d: index += 1
      default: return
      }
    }
  }

  private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    guard index < bytes.count else { throw error("unexpected end of line, expected a JSON value") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectWord("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw error("unexpected \(describeCurrent()), expected a JSON value")
    }
  }

  private mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
    let start = index
    let count = word.utf8CodeUnitCount
    guard bytes.count - index >= count else { throw error("invalid literal, expected '\(word)'", at: start) }
    for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
      throw error("invalid literal, expected '\(word)'", at: start)
    }
    index += count
  }

  private mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    if depth > JSONParser.maximumDepth {
      throw error("arrays and objects nest deeper than \(JSONParser.maximumDepth) levels")
    }
  }

  private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    index += 1
    var members: [JSONMember] = []
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a quoted key, found \(describeCurrent())")
      }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw error("expected ':' after the key \"\(key)\", found \(describeCurrent())")
      }
      index += 1
      skipWhitespace()
      members.append(JSONMember(key, try parseValue()))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of line inside an object, expected ',' or '}'") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        depth -= 1
        return .object(members)
      }
      throw error("expected ',' or '}' in an object, found \(describeCurrent())")
    }
  }

  private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    index += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of line inside an array, expected ',' or ']'") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "]") {
        index += 1
        depth -= 1
        return .array(elements)
      }
      throw error("expected ',' or ']' in an array, found \(describeCurrent())")
    }
  }

  private mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: a digit must follow '-'", at: start) }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < bytes.count && isDigit(bytes[index]) { throw error("invalid number: leading zero", at: start) }
    } else {
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: a digit must follow '.'", at: start) }
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
      index += 1
      if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
      guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: a digit must follow the exponent", at: start) }
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }
    let literal = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    // The grammar was checked above, so the standard library's conversion sees
    // only plain decimal literals; it gives ±infinity or 0 outside the range.
    return JSONNumber(literal: literal, value: Double(literal) ?? .nan)
  }

  @inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  /// Parses a string starting at its opening quote.
  private mutating func parseString() throws(JSONSyntaxError) -> String {
    let open = index
    index += 1
    let start = index
    // Fast path: no escapes, so the bytes are the string.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        index += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw controlCharacterError(byte) }
      if byte < 0x80 {
        index += 1
      } else {
        try skipUTF8Sequence()
      }
    }
    guard index < bytes.count else { throw error("unterminated string", at: open) }
    var decoded = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return String(decoding: decoded, as: UTF8.self)
      }
      if byte == UInt8(ascii: "\\") {
        try appendEscape(to: &decoded)
      } else if byte < 0x20 {
        throw controlCharacterError(byte)
      } else if byte < 0x80 {
        decoded.append(byte)
        index += 1
      } else {
        let sequenceStart = index
        try skipUTF8Sequence()
        decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[sequenceStart..<index]))
      }
    }
    throw error("unterminated string", at: open)
  }

  private func controlCharacterError(_ byte: UInt8) -> JSONSyntaxError {
    error("control character U+00\(hexString([byte]).uppercased()) must be escaped in a string (write \\u00\(hexString([byte])))")
  }

  /// Checks one multi-byte UTF-8 sequence at `index` (Unicode table 3-7) and steps over it.
  private mutating func skipUTF8Sequence() throws(JSONSyntaxError) {
    let lead = bytes[index]
    guard let (length, low, high) = utf8Sequence(startingWith: lead) else {
      throw error("invalid UTF-8 byte 0x\(hexString([lead]))")
    }
    guard bytes.count - index >= length else { throw error("truncated UTF-8 sequence") }
    let second = bytes[index + 1]
    guard second >= low && second <= high else { throw error("invalid UTF-8 sequence starting with byte 0x\(hexString([lead]))") }
    for offset in 2..<length where bytes[index + offset] & 0xc0 != 0x80 {
      throw error("invalid UTF-8 sequence starting with byte 0x\(hexString([lead]))")
    }
    index += length
  }

  private mutating func appendEscape(to decoded: inout [UInt8]) throws(JSONSyntaxError) {
    let start = index
    index += 1
    guard index < bytes.count else { throw error("unterminated escape", at: start) }
    let byte = bytes[index]
    index += 1
    switch byte {
    case UInt8(ascii: "\""): decoded.append(0x22)
    case UInt8(ascii: "\\"): decoded.append(0x5c)
    case UInt8(ascii: "/"): decoded.append(0x2f)
    case UInt8(ascii: "b"): decoded.append(0x08)
    case UInt8(ascii: "f"): decoded.append(0x0c)
    case UInt8(ascii: "n"): decoded.append(0x0a)
    case UInt8(ascii: "r"): decoded.append(0x0d)
    case UInt8(ascii: "t"): decoded.append(0x09)
    case UInt8(ascii: "u"):
      var scalar = try readHex4(escapeStart: start)
      if scalar >= 0xd800 && scalar <= 0xdbff {
        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
          throw error("lone surrogate \\u\(hexString([UInt8(scalar >> 8), UInt8(scalar & 0xff)])) (a high surrogate needs a low one after it)", at: start)
        }
        let lowStart = index
        index += 2
        let low = try readHex4(escapeStart: lowStart)
        guard low >= 0xdc00 && low <= 0xdfff else {
          throw error("lone surrogate \\u\(hexString([UInt8(scalar >> 8), UInt8(scalar & 0xff)])) (a high surrogate needs a low one after it)", at: start)
        }
        scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
      } else if scalar >= 0xdc00 && scalar <= 0xdfff {
        throw error("lone surrogate \\u\(hexString([UInt8(scalar >> 8), UInt8(scalar & 0xff)]))", at: start)
      }
      // Surrogates were handled above, so this is a valid scalar.
      decoded.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
    default:
      throw error("invalid escape '\\\(Character(Unicode.Scalar(byte)))'", at: start)
    }
  }

  private mutating func readHex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
    guard bytes.count - index >= 4 else { throw error("incomplete \\u escape", at: escapeStart) }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error("invalid \\u escape: expected 4 hex digits", at: escapeStart)
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }
}

/// The length of the UTF-8 sequence that `lead` starts and the range its
/// second byte must lie in (Unicode table 3-7: no overlong forms, no
/// surrogates, nothing past U+10FFFF); nil for a byte no sequence starts with.
/// The later bytes of the sequence are all 0x80-0xBF.
@inline(__always)
func utf8Sequence(startingWith lead: UInt8) -> (length: Int, low: UInt8, high: UInt8)? {
  switch lead {
  case 0xc2...0xdf: return (2, 0x80, 0xbf)
  case 0xe0: return (3, 0xa0, 0xbf)
  case 0xe1...0xec, 0xee...0xef: return (3, 0x80, 0xbf)
  case 0xed: return (3, 0x80, 0x9f)
  case 0xf0: return (4, 0x90, 0xbf)
  case 0xf1...0xf3: return (4, 0x80, 0xbf)
  case 0xf4: return (4, 0x80, 0x8f)
  default: return nil
  }
}
