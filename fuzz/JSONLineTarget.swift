// libFuzzer target: one line of the log, as the reader and `add --stdin` see it.
// Built by fuzz/run.sh together with Sources/EventLog (one module, so no imports).

/// Checks, for any bytes: the JSON parser and the event decoder answer without
/// crashing; an accepted line's canonical encoding is accepted again and is a
/// fixed point (encode(decode(encode(e))) == encode(e)), holds no raw newline,
/// and keeps the content id.
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
