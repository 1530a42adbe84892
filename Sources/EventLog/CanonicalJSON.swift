/// The byte-level writer of the canonical encoding (DESIGN.md): strings with
/// only `"`, `\` and U+0000-U+001F escaped, numbers as RFC 8785 writes them.
/// Everything `timeline` writes as JSON goes through here.
public enum CanonicalJSON {
  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// Appends `string` as a JSON string literal.
  public static func appendString(_ string: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var string = string
    string.withUTF8 { utf8 in
      var runStart = 0
      for (offset, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5c {
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
          out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
          out.append(hexDigits[Int(byte >> 4)])
          out.append(hexDigits[Int(byte & 0x0f)])
        }
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Appends a finite double the way ECMAScript's Number::toString writes it
  /// (RFC 8785): `500000000000`, `0.1`, `1e+21`, `1.5e-7`; `-0` is `0`.
  public static func appendNumber(_ value: Double, to out: inout [UInt8]) {
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
