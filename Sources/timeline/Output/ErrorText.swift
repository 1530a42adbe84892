import EventLog

// The one place where what EventLog reports as values (errors, a line's
// faults, check findings, what a reader left out or a writer repaired) is put
// into sentences with this command line's command and option names.

/// How an event was given, which decides how a fault's hint is worded.
enum EventInput {
  /// `add`'s flags (`--set role=CEO`).
  case flags
  /// A JSON line: `add --stdin`, or `import` of whole events.
  case jsonLine
  /// A row `import` maps to fields (CSV columns, JSON keys).
  case importRow
  /// A line of the log (check, reading); worded as for flags.
  case logLine
}

/// A `LogError` as printed after `timeline: error: `: its message, the hint
/// of the line's fault (as for a line of the log) and its next step.
func errorText(_ error: LogError) -> String {
  error.message + hintText(error.hint, for: .logLine) + nextStepText(error.nextStep)
}

/// A line's fault, worded for the input it came from.
func faultText(_ fault: ValueError, for input: EventInput) -> String {
  fault.message + hintText(fault.hint, for: input)
}

/// What the user can do next, in this command line's words ("" for none).
func nextStepText(_ step: NextStep?) -> String {
  switch step {
  case nil: ""
  case .createLog(let path): ": add an event to create it (timeline --log \(path) add ...), or point --log or TIMELINE_LOG at an existing log"
  case .pointAtLog: "; point --log or TIMELINE_LOG at a .jsonl file or a folder of them"
  case .batchRolledBackLater: "; the batch will be rolled back by the next add or check --repair"
  case .leaveRecordedOut: ": leave \"recorded\" out to have add stamp the event"
  case .restampImport: ": give import --restamp to stamp the events now (the times they carry are dropped)"
  case .fixImportedRecorded: ": an import gave that line a wrong \"recorded\""
  case .keepFinalEvent(let file):
    ": run `timeline check --repair` to keep it (it adds the newline), or end it with a newline yourself (echo >> \(file)); nothing was appended"
  case .findWithCheck: "; run `timeline check` to find the problem"
  case .fixLogFirst: "\n  the log must be fixed first: `timeline check` lists every problem"
  }
}

/// The end of a fault's message that depends on how the event was given ("" for none).
func hintText(_ hint: InputHint?, for input: EventInput) -> String {
  switch hint {
  case nil: return ""
  case .writtenOnAppend: return " (add writes it)"
  case .missingAttr(let name, let example):
    if case .described(let what) = example {
      return input == .importRow ? " (a column mapped to attrs.\(name): \(what))" : " (\(what))"
    }
    switch input {
    case .flags, .logLine:
      return " (--set \(name)=\(flagValue(example)))"
    case .jsonLine:
      let value = switch example {
      case .string(let text): "\"\(text)\""
      case .number(let text): text
      case .any, .described: "..."
      }
      return " (like \"attrs\":{\"\(name)\":\(value)})"
    case .importRow:
      return " (a column mapped to attrs.\(name), or --set attrs.\(name)=\(flagValue(example)))"
    }
  }
}

/// An example value as typed after `--set NAME=`.
private func flagValue(_ example: AttrExample) -> String {
  switch example {
  case .string(let text), .number(let text): text
  case .any, .described: "..."
  }
}

/// What a reader left out, as warned of after `timeline: warning: `.
func noticeText(_ notice: ReadNotice) -> String {
  let place = "\(notice.file):\(notice.line): "
  switch notice.kind {
  case .tornTail(let bytes, let whole):
    return place + (whole
      ? "a whole event without its newline (\(bytes) bytes) was ignored; `timeline check --repair` keeps it by adding the newline"
      : "torn final line (\(bytes) bytes without a newline, an append that never finished) was ignored; `timeline check --repair` removes it")
  case .typedTail(let bytes, let reason):
    return place + "a final line without its newline (\(bytes) bytes) is not an event (\(reason)), and it was ignored; it was typed or pasted, not left by an append that died, so `timeline check --repair` does not cut it: fix or remove it by hand"
  case .interruptedBatch(let bytes):
    return place + "an interrupted add --stdin batch (\(bytes) bytes) was ignored; `timeline check --repair` rolls it back"
  case .blankTail(let count):
    return place + "\(count == 1 ? "a blank line" : "\(count) blank lines") at the end of the file \(count == 1 ? "was" : "were") ignored; `timeline check --repair` removes \(count == 1 ? "it" : "them")"
  case .unverifiedRollback(let record, let found):
    return place + "\(ReadNotice.unverifiedMessage(record: record, file: notice.file, found: found)): the record was not used and the whole file was read; the next add or `timeline check --repair` sets it aside (renames it \(ReadNotice.setAsideName(of: record))), cutting nothing"
  }
}

/// A finding of `check`, as printed after `file:line: error: ` (or warning).
func findingText(_ finding: Finding) -> String {
  switch finding.problem {
  case .said(let message):
    return message
  case .fault(let fault):
    return faultText(fault, for: .logLine)
  case .clockAhead(let recorded, let now):
    return "recorded \(recorded) is more than a day after this computer's clock (\(now)): a clock ahead, or an import with a wrong \"recorded\"; every later add to this file is stamped after it, and --known-at before then leaves those events out"
  case .notice(.tornTail(let bytes, let whole)):
    return whole
      ? "a whole event without its newline (\(bytes) bytes) is ignored; `timeline check --repair` keeps it by adding the newline"
      : "torn final line (\(bytes) bytes without a newline: an append that never finished); `timeline check --repair` removes it"
  case .notice(.typedTail(let bytes, let reason)):
    return "a final line without its newline (\(bytes) bytes) is not an event (\(reason)); it was typed or pasted, not left by an append that died, so `timeline check --repair` does not cut it: fix or remove it by hand"
  case .notice(.interruptedBatch(let bytes)):
    return "interrupted add --stdin batch (\(bytes) bytes) is ignored; `timeline check --repair` rolls it back"
  case .notice(.blankTail(let count)):
    return "\(count == 1 ? "a blank line" : "\(count) blank lines") at the end of the file (nothing but spaces, tabs or CRs) \(count == 1 ? "is" : "are") ignored; `timeline check --repair` removes \(count == 1 ? "it" : "them")"
  case .notice(.unverifiedRollback(let record, let found)):
    return "\(ReadNotice.unverifiedMessage(record: record, file: finding.file, found: found)): it is not used, nothing is cut; `timeline check --repair` sets it aside (renames it \(ReadNotice.setAsideName(of: record)))"
  case .idMismatch(let id, let contentID):
    return "id \(id) does not match the event's content, which hashes to \(contentID): the line was edited after it was added; restore it, and record a correction as a new event with --supersedes \(id)"
  case .noSource:
    return "no source: say where the fact comes from with --source-title or --source-url"
  case .urlWithoutScheme(let url, let suggested, let id):
    return "source url \"\(url)\" has no scheme, so no one can tell how to open it; record the event again with --source-url \(suggested) and --supersedes \(id)"
  case .faultyName(let said, let id):
    return "\(said); record the event again with the name corrected and --supersedes \(id)"
  case .correctionCycle(let said, let id):
    return "\(said); retract the one that is wrong (`timeline retract \(id) --reason R` for this one) to let the others stand, or, if a line of the cycle was written by hand, remove it"
  case .typeCase(let said, let known, let id):
    return "\(said); record the launch again with type \(known) and --supersedes \(id)"
  }
}

/// What a writer or `check --repair` repaired, as printed after its prefix.
func repairText(_ note: RepairNote) -> String {
  switch note.done {
  case .said(let message):
    message
  case .rolledBackBatch(let bytes, let file):
    "rolled back an interrupted add --stdin batch of \(bytes) bytes in \(file) (its rollback record proved they were that batch, never acknowledged); its bytes follow verbatim"
  }
}

/// What an append warns of, as printed after `timeline: warning: `.
func appendWarningText(_ warning: AppendWarning) -> String {
  switch warning {
  case .clockAhead(let file, let latest, let now, let stamped):
    "the latest recorded time in \(file), \(latest), is after this computer's clock (\(now)): a clock ahead, or an import with a wrong \"recorded\"; the new event is stamped \(stamped), after it, so --known-at before then leaves it out (`timeline check` names the line; see the README on clocks)"
  }
}

/// A line `export --follow` skipped, as printed after `timeline: warning: `.
func skippedLineText(_ skipped: SkippedLine) -> String {
  "\(skipped.file): a line at byte \(skipped.offset) is not an event (\(faultText(skipped.fault, for: .logLine))); it was skipped: run `timeline check`"
}
