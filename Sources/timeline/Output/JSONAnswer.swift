import EventLog
import Projections

/// The queries whose answers are a function of the log, the arguments and the day.
let answerCommands: Set<String> = ["state", "diff", "lineage", "strategy", "log", "why"]

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
