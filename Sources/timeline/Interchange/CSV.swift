/// RFC 4180 CSV: a reader that keeps the line each record starts on (quoted
/// fields may hold newlines), and a writer that quotes only where needed
/// and makes formula-looking cells inert.
enum CSV {
  /// One record and the 1-based physical line it starts on.
  struct Record {
    var line: Int
    var fields: [String]
  }

  struct ParseError: Error {
    var line: Int
    var message: String
  }

  /// Reads every record. Accepts LF or CRLF line ends and a UTF-8 byte order
  /// mark; a quote inside an unquoted field is kept as text (as spreadsheets
  /// do), but an unterminated quoted field or text after a closing quote is an error.
  static func parse(_ bytes: [UInt8]) throws(ParseError) -> [Record] {
    var records: [Record] = []
    var index = 0
    if bytes.starts(with: [0xef, 0xbb, 0xbf]) { index = 3 }
    var line = 1
    let end = bytes.count
    while index < end {
      let recordLine = line
      var fields: [String] = []
      var atRecordEnd = false
      while !atRecordEnd {
        var field: [UInt8] = []
        if index < end && bytes[index] == UInt8(ascii: "\"") {
          let quoteLine = line
          index += 1
          var closed = false
          while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
              if index + 1 < end && bytes[index + 1] == UInt8(ascii: "\"") {
                field.append(byte)
                index += 2
                continue
              }
              index += 1
              closed = true
              break
            }
            if byte == 0x0a { line += 1 }
            field.append(byte)
            index += 1
          }
          guard closed else {
            throw ParseError(line: quoteLine, message: "a quoted field opened on this line is never closed")
          }
          if index < end && bytes[index] != UInt8(ascii: ",") && bytes[index] != 0x0a && bytes[index] != 0x0d {
            throw ParseError(line: line, message: "text after the closing quote of a field; a quote inside a quoted field is written twice (\"\")")
          }
        } else {
          while index < end && bytes[index] != UInt8(ascii: ",") && bytes[index] != 0x0a
            && !(bytes[index] == 0x0d && index + 1 < end && bytes[index + 1] == 0x0a) && !(bytes[index] == 0x0d && index + 1 == end)
          {
            field.append(bytes[index])
            index += 1
          }
        }
        guard let text = String(validating: field, as: UTF8.self) else {
          throw ParseError(line: line, message: "a field is not valid UTF-8")
        }
        fields.append(text)
        if index >= end {
          atRecordEnd = true
        } else if bytes[index] == UInt8(ascii: ",") {
          index += 1
          if index >= end { fields.append("") ; atRecordEnd = true }
        } else {
          if bytes[index] == 0x0d { index += 1 }
          if index < end && bytes[index] == 0x0a { index += 1 }
          line += 1
          atRecordEnd = true
        }
      }
      // A blank line is no record.
      if fields == [""] { continue }
      records.append(Record(line: recordLine, fields: fields))
    }
    return records
  }

  /// The characters that make a spreadsheet read a cell as a formula (OWASP's
  /// list), and the apostrophe that marks a cell made inert.
  /// Scalars, not Characters: "\r\n" is one Character, equal to neither.
  static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "'"]

  /// One cell: prefixed with `'` when it begins like a formula (or with `'`
  /// itself, so that reading it back can drop exactly one), then quoted if it
  /// holds a comma, a quote, a newline or a leading or trailing space.
  static func cell(_ text: String) -> String {
    var value = text
    if let first = value.unicodeScalars.first, formulaStarts.contains(first) { value = "'" + value }
    let needsQuotes = value.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0a || $0 == 0x0d }
      || value.first == " " || value.last == " "
    return needsQuotes ? "\"" + value.replacing("\"", with: "\"\"") + "\"" : value
  }

  /// Undoes `cell`'s apostrophe.
  static func uncell(_ text: String) -> String {
    text.first == "'" ? String(text.dropFirst()) : text
  }

  /// A record as a line ending in CRLF, as RFC 4180 writes it.
  static func line(_ fields: [String]) -> String {
    fields.map(cell).joined(separator: ",") + "\r\n"
  }
}
