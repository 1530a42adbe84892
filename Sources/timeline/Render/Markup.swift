/// Escaping for text that goes into HTML, SVG or XML: every piece of text
/// that comes from the log passes through here before it is written.
enum Markup {
  /// Escapes `&`, `<`, `>`, `"` and `'`, and replaces the characters XML 1.0
  /// cannot hold (control characters but tab, newline and return; U+FFFE,
  /// U+FFFF) with U+FFFD, so the result is safe as element text and as a
  /// quoted attribute value, in HTML and in a standalone SVG file. Bidi
  /// embedding, override and isolate controls become U+FFFD too, so a note
  /// cannot display its text reversed (a "Trojan source" trick).
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f || scalar.value == 0xfffe || scalar.value == 0xffff
          || (0x202a...0x202e).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        {
          out += "\u{fffd}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// The URL if it is safe to link to: `http` or `https` only (no
  /// `javascript:`, `data:` or relative links), and no spaces or control
  /// characters; nil otherwise, and the URL is then shown as text only.
  static func linkableURL(_ url: String?) -> String? {
    guard let url else { return nil }
    let lower = url.lowercased()
    guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), url.utf8.count > 8 else { return nil }
    guard url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f && $0 != "\"" && $0 != "<" && $0 != ">" && $0 != "\\" })
    else { return nil }
    return url
  }

  /// Shortens text to at most `limit` characters, ending in an ellipsis when cut.
  static func truncate(_ text: String, _ limit: Int) -> String {
    let flat = text.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
    return flat.count <= limit ? flat : String(flat.prefix(max(1, limit - 1))) + "…"
  }
}
