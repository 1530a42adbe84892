import EventLog
import Projections

/// Whether a query's answer is a function of the log, its arguments and
/// the day, so that it may be kept: `news` only with `--since`, since
/// without it the window starts at the mark of the last run, which the run
/// also moves.
func answerIsKeepable(_ command: String, _ args: ParsedArguments) -> Bool {
  ["state", "diff", "lineage", "strategy", "log", "why"].contains(command) || (command == "news" && args.has("since"))
}

/// Prints a JSON document, `basis` last.
func printJSON(basis: Basis, _ context: Context, _ body: (inout JSONWriter) -> Void) {
  JSONWriter.write(to: context.console.write) { w in
    body(&w)
    w.basis(basis)
  }
}

/// `printJSON` for an answer read as it is written: the basis is taken once
/// the body is written, and a body that fails leaves the document unfinished.
func printJSON(
  basis: () -> Basis, _ context: Context, _ body: (inout JSONWriter) throws(LogError) -> Void
) throws(LogError) {
  try JSONWriter.write(to: context.console.write) { (w) throws(LogError) in
    try body(&w)
    w.basis(basis())
  }
}
