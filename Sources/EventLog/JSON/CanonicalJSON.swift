/// The byte-level writer of the canonical encoding (DESIGN.md): strings with
/// only `"`, `\` and U+0000-U+001F escaped, numbers as RFC 8785 writes them.
/// Everything `timeline` writes as JSON goes through here.
public enum CanonicalJSON {
  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// Appends `string` as a JSON string literal.
  public static func appendString(_ string: String, to out: inout [UInt8]) {
    var string = string
    string.withUTF8 { appendString(bytes: $0, to: &out) }
  }

  /// Appends UTF-8 bytes as a JSON string literal.
  public static func appendString(bytes utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var runStart = 0
    var offset = 0
    while offset < utf8.count {
      let byte = utf8[offset]
      if byte >= 0x20 && byte != 0x22 && byte != 0x5c {
        offset += 1
        continue
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<offset]))
      runStart = offset + 1
      out.append(UInt8(ascii: "\\"))
      switch byte {
      case 0x22: out.append(0x22)
      case 0x5c: out.append(0x5c)
      case 0x0a: out.append(UInt8(ascii: "n"))
      case 0x0d: out.append(UInt8(ascii: "r"))
      case 0x09: out.append(UInt8(ascii: "t"))
      default:
        out.append(UInt8(ascii: "u"))
        out.append(UInt8(ascii: "0"))
        out.append(UInt8(ascii: "0"))
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0f)])
      }
      offset += 1
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
    out.append(UInt8(ascii: "\""))
  }

  /// Appends a date as a JSON string, with its precision (`"2025-12"`).
  public static func appendDate(_ date: EventDate, to out: inout [UInt8]) {
    func digits(_ value: Int, _ count: Int) {
      var divisor = 1
      for _ in 1..<count { divisor *= 10 }
      var rest = value
      for _ in 0..<count {
        out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
        rest %= divisor
        divisor /= 10
      }
    }
    out.append(UInt8(ascii: "\""))
    digits(date.year, 4)
    if date.month > 0 {
      out.append(UInt8(ascii: "-"))
      digits(date.month, 2)
      if date.day > 0 {
        out.append(UInt8(ascii: "-"))
        digits(date.day, 2)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Appends a finite double the way ECMAScript's Number::toString writes it
  /// (RFC 8785): `500000000000`, `0.1`, `1e+21`, `1.5e-7`; `-0` is `0`.
  public static func appendNumber(_ value: Double, to out: inout [UInt8]) {
    if value == value.rounded(), value.magnitude < 1e15 {
      // An integer: its digits, which is what RFC 8785 writes (and -0 is 0).
      var integer = Int64(value)
      if integer < 0 {
        out.append(UInt8(ascii: "-"))
        integer = -integer
      }
      var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
      var count = 0
      withUnsafeMutableBytes(of: &digits) { buffer in
        repeat {
          buffer[15 - count] = UInt8(ascii: "0") + UInt8(integer % 10)
          integer /= 10
          count += 1
        } while integer > 0
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(16 - count)...]))
      }
      return
    }
    out.append(contentsOf: numberText(value).utf8)
  }

  /// The RFC 8785 text of a finite double.
  public static func numberText(_ value: Double) -> String {
    precondition(value.isFinite, "only finite numbers are stored")
    if value == 0 { return "0" }
    let decimal = DecimalDigits(shortest: value)
    let digits = String(decoding: decimal.digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    let k = decimal.digits.count
    let n = decimal.exponent
    var text = decimal.negative ? "-" : ""
    if k <= n && n <= 21 {
      text += digits + String(repeating: "0", count: n - k)
    } else if 0 < n && n <= 21 {
      text += digits.prefix(n) + "." + digits.dropFirst(n)
    } else if -6 < n && n <= 0 {
      text += "0." + String(repeating: "0", count: -n) + digits
    } else {
      let e = n - 1
      text += digits.prefix(1)
      if k > 1 { text += "." + digits.dropFirst() }
      text += e < 0 ? "e-\(-e)" : "e+\(e)"
    }
    return text
  }
}
