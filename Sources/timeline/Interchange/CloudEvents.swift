import EventLog

/// One CloudEvents 1.0 structured-mode JSON object on one line.
func cloudEvent(_ event: Event, source: String) -> [UInt8] {
  var out: [UInt8] = []
  var first = true
  func member(_ name: String, _ value: String) {
    out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
    first = false
    CanonicalJSON.appendString(name, to: &out)
    out.append(UInt8(ascii: ":"))
    CanonicalJSON.appendString(value, to: &out)
  }
  member("specversion", "1.0")
  member("id", event.id)
  member("source", source)
  member("type", "timeline.\(event.kind)")
  member("time", Timestamp(milliseconds: event.date.firstDay.daysSince1970 * 86_400_000).description)
  if let subject = event.subject ?? event.org ?? event.retractTarget { member("subject", subject) }
  member("datacontenttype", "application/json")
  member("dateprecision", precisionName(event.date.precision))
  member("eventdate", event.date.description)
  member("confidence", event.confidence.rawValue)
  if let recorded = event.recorded { member("recordedtime", recorded.description) }
  out.append(contentsOf: ",\"data\":".utf8)
  out.append(contentsOf: EventCodec.encode(event))
  out.append(UInt8(ascii: "}"))
  return out
}

func precisionName(_ precision: EventDate.Precision) -> String {
  switch precision {
  case .day: "day"
  case .month: "month"
  case .year: "year"
  }
}
