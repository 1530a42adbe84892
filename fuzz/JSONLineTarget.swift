// libFuzzer target: one line of the log, as the reader and `add --stdin` see it.
// Built by fuzz/run.sh together with Sources/EventLog (one module, so no imports).

/// Checks, for any bytes: the JSON parser and the event decoder answer without
/// crashing; an accepted line's canonical encoding is accepted again and is a
/// fixed point (encode(decode(encode(e))) == encode(e)), holds no raw newline,
/// and keeps the content id; the reader's fast scanner accepts only what the
/// strict codec accepts, and decodes it to the same event.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: data, count: size)
  _ = try? JSONParser.parse(bytes)

  // As a line of the log: id and recorded are required.
  if let event = try? EventCodec.decode(bytes, stored: true) {
    let line = EventCodec.encode(event)
    precondition(!line.contains(0x0a), "a canonical line holds a raw newline")
    guard let again = try? EventCodec.decode(line, stored: true) else {
      fatalError("the canonical line of an accepted event is refused: \(String(decoding: line, as: UTF8.self))")
    }
    precondition(EventCodec.encode(again) == line, "the canonical encoding is not a fixed point")
    precondition(EventCodec.contentID(again) == EventCodec.contentID(event), "the content id changed on a round trip")
  }

  // Differential: the fast scanner the reader uses must never accept a line the
  // strict codec refuses, and what it decodes must be what the codec decodes.
  let strict = try? EventCodec.decode(bytes, stored: true)
  var scanner = EventScanner()
  if let fast = scanner.scanEvent(bytes, stored: true) {
    guard let strict else { fatalError("the scanner accepts a line the codec refuses") }
    precondition(EventCodec.encode(fast) == EventCodec.encode(strict), "the scanner and the codec decode different events")
  }
  var table = FactTable()
  if scanner.scanFact(bytes, into: &table, file: 0, line: 1, offset: 0) {
    precondition(strict != nil, "the scanner takes as a fact a line the codec refuses")
  }

  // As a line of `add --stdin`: the content (without id and recorded) must survive.
  if let event = try? EventCodec.decode(bytes, stored: false) {
    let content = EventCodec.content(event)
    precondition(!content.contains(0x0a), "canonical content holds a raw newline")
    guard let again = try? EventCodec.decode(content, stored: false) else {
      fatalError("the canonical content of an accepted event is refused: \(String(decoding: content, as: UTF8.self))")
    }
    precondition(EventCodec.content(again) == content, "the canonical content is not a fixed point")
  }
  return 0
}
