/// A source's URL must say how to reach it: it starts with a scheme, as
/// RFC 3986 writes one, `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`
/// (`https:`, `http:`, `doi:`, `mailto:`...). New events are refused a URL
/// without one; `check` warns about those already in a log.
extension EventSchema {
  /// Whether `url` starts with a scheme and its colon.
  public static func hasScheme(_ url: String) -> Bool {
    func isAlpha(_ byte: UInt8) -> Bool { (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) }
    var first = true
    for byte in url.utf8 {
      if first {
        guard isAlpha(byte) else { return false }
        first = false
      } else if byte == UInt8(ascii: ":") {
        return true
      } else if !(isAlpha(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")) {
        return false
      }
    }
    return false
  }

  /// Refuses a new event whose source URL has no scheme.
  /// - Throws: the URL, with the URL to write instead (`https://` put in front).
  public static func checkSourceURL(_ event: Event) throws(ValueError) {
    guard let url = event.source?.url, !hasScheme(url) else { return }
    throw ValueError("\"source.url\": \"\(url)\" has no scheme, so no one can tell how to open it: add the scheme: \(suggestedURL(url))")
  }

  /// `example.com/x` -> `https://example.com/x`; `//example.com/x` -> `https://example.com/x`.
  public static func suggestedURL(_ url: String) -> String {
    var rest = Substring(url)
    while rest.first == " " { rest = rest.dropFirst() }
    while rest.first == "/" { rest = rest.dropFirst() }
    return "https://" + rest
  }
}
