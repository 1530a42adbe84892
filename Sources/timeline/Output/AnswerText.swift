import EventLog
import Projections

// Pieces of text that several commands' answers share.

func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

/// What a header adds under `--min-confidence`, so that a narrower answer says so.
func onlySurer(_ least: Confidence) -> String {
  switch least {
  case .rumor: ""
  case .reported: ", reported and confirmed facts only"
  case .confirmed: ", confirmed facts only"
  }
}

/// The mark of an entry or a change that rests on a rumor or a report, so
/// that it is never taken for a confirmed one: the word in parentheses (dim
/// when there is colour, and readable without it); nothing when confirmed.
/// Written as the last cell of a row, whose width pads nothing.
func confidenceMark(_ confidence: Confidence?, _ console: Console) -> String {
  guard let confidence, confidence != .confirmed else { return "" }
  return console.dim("(\(confidence.rawValue))")
}

/// One event as a row of text: date, org, kind, subject, details, confidence, id.
func eventRow(_ event: Event) -> [String] {
  var details = event.attrs.map { "\($0.key)=\(oneLine($0.value.description))" }
  if let supersedes = event.supersedes { details.append("supersedes \(supersedes)") }
  if let note = event.note { details.append("\"\(oneLine(note))\"") }
  return [event.date.description, event.id, event.kind.description, event.org ?? "", event.subject ?? "", event.confidence.rawValue,
          details.joined(separator: " ")]
}
