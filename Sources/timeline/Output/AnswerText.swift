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

/// Events as rows (`eventRow`), the details of each that the replay dropped
/// marked `[retracted]` or `[superseded]`, as log, news and why list them.
func markedRows(_ events: [Event], marks: (Int) -> EventMarks) -> [[String]] {
  events.enumerated().map { index, event in
    var row = eventRow(event)
    let marked = marks(index)
    if marked.retracted { row[row.count - 1] = "[retracted] " + row[row.count - 1] }
    if marked.superseded { row[row.count - 1] = "[superseded] " + row[row.count - 1] }
    return row
  }
}

/// The colours of an event row: its date dim, its kind red for a retraction, else cyan.
func eventRowStyle(_ events: [Event], _ console: Console) -> (Int, Int, String) -> String {
  { row, column, cell in
    switch column {
    case 1: return console.dim(cell)
    case 2: return events[row].kind == .retract ? console.red(cell) : console.cyan(cell)
    default: return cell
    }
  }
}

/// The changes text shows: all of them but the unit change of a metric
/// whose value changed too (the value's line shows the units on both sides).
func shownChanges(_ changes: [Change]) -> [Change] {
  changes.indices.filter { index in
    let change = changes[index]
    guard change.section == "metrics", change.field == "unit", let name = change.name, index > 0 else { return true }
    let previous = changes[index - 1]
    return !(previous.section == "metrics" && previous.org == change.org && previous.key == change.key && previous.field == name)
  }.map { changes[$0] }
}

/// Changes as text, grouped by org (after `shownChanges`).
func changeLines(_ changes: [Change], _ console: Console) -> [String] {
  var lines: [String] = []
  var index = 0
  while index < changes.count {
    let org = changes[index].org
    var rows: [[String]] = []
    while index < changes.count && changes[index].org == org {
      let change = changes[index]
      let what: String
      let detail: String
      switch (change.field, change.before, change.after) {
      case (nil, .null, let after):
        what = "+"
        detail = after == .bool(true) ? "" : describe(after)
      case (nil, let before, .null):
        what = "-"
        detail = before == .bool(true) ? "" : describe(before)
      case (let field?, _, _) where change.section == "metrics" && change.name == nil:
        // A metric's value: shortened, with its unit.
        what = field
        func amount(_ value: DiffValue) -> Double? { if case .number(let number) = value { number } else { nil } }
        detail = amountChangeText(amount(change.before), amount(change.after), unitBefore: change.unitBefore, unitAfter: change.unitAfter)
      default:
        what = [change.name, change.field].compactMap { $0 }.joined(separator: " ")
        detail = "\(describe(change.before)) -> \(describe(change.after))"
      }
      rows.append([change.section, oneLine(change.key), oneLine(what), oneLine(detail), confidenceMark(change.confidence, console)])
      index += 1
    }
    if !lines.isEmpty { lines.append("") }
    lines.append(console.bold(console.cyan(oneLine(org))))
    lines += alignedRows(rows, indent: 2, style: { _, column, cell in
      guard column == 2 else { return cell }
      return cell == "+" ? console.green(cell) : cell == "-" ? console.red(cell) : cell
    })
  }
  return lines
}

private func describe(_ value: DiffValue) -> String {
  switch value {
  case .null: "(none)"
  case .bool(true): "true"
  case .bool(false): "false"
  case .number(let number): CanonicalJSON.numberText(number)
  case .string(let text): text
  case .date(let date): date.description
  case .product(let product):
    [product.status.rawValue, product.throttled ? "throttled" : nil, product.type,
     product.launched.map { "launched \($0)" }].compactMap { $0 }.joined(separator: ", ")
  case .role(let role): "\(role.person) since \(role.since)"
  case .codename(let codename): codename.subject ?? "(unknown model)"
  }
}
