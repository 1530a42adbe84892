@preconcurrency import Dispatch
import EventLog
import Synchronization

/// A single updating line on standard error for work that takes longer than a
/// second (`timeline: reading the log (12 MB)... 3s`), only when standard error
/// is a terminal: never in a pipe, a file or a test's captured output. A timer
/// draws it, so the work itself only bumps a counter now and then; `finish`
/// clears the line before anything else is printed. (Unchecked Sendable: the
/// timer is only set up in init and cancelled once, in `finish`.)
final class Progress: @unchecked Sendable {
  private let what: String
  private let unit: String
  private let count = Atomic<Int>(0)
  private let shown = Atomic<Bool>(false)
  private let finished = Atomic<Bool>(false)
  private let timer: DispatchSourceTimer?

  /// Starts the timer when standard error is a terminal. `unit` names what
  /// `advance` counts ("rows"); empty: only the time is shown.
  init(_ what: String, counting unit: String = "") {
    self.what = what
    self.unit = unit
    guard !Progress.quiet, Sys.isTerminal(2), Progress.variable("TERM") != "dumb" else {
      timer = nil
      return
    }
    // TIMELINE_PROGRESS_AFTER (seconds) lets the tests see the line at once.
    let after = Progress.variable("TIMELINE_PROGRESS_AFTER").flatMap(Double.init) ?? 1
    let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "timeline.progress"))
    timer = source
    let started = DispatchTime.now()
    source.schedule(deadline: .now() + after, repeating: .milliseconds(250))
    source.setEventHandler { [self] in
      let seconds = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000_000)
      var text = "timeline: \(self.what)..."
      let done = self.count.load(ordering: .relaxed)
      if !self.unit.isEmpty && done > 0 { text += " \(done) \(self.unit)" }
      text += " \(seconds)s"
      Progress.draw("\r" + text + "\u{1b}[K")
      self.shown.store(true, ordering: .relaxed)
    }
    if after <= 0 {
      // Drawn before the work starts, so that even quick work shows it (the tests).
      Progress.draw("\rtimeline: \(what)... 0s\u{1b}[K")
      shown.store(true, ordering: .relaxed)
    }
    source.resume()
  }

  /// Counts `n` more of the unit (cheap: one relaxed atomic add).
  func advance(by n: Int = 1) { count.add(n, ordering: .relaxed) }

  /// Stops the timer and clears the line if it was drawn.
  func finish() {
    guard let timer, !finished.exchange(true, ordering: .relaxed) else { return }
    // Cancelled on the timer's own queue and waited for, so no drawing follows.
    let done = DispatchSemaphore(value: 0)
    timer.setCancelHandler { done.signal() }
    timer.cancel()
    done.wait()
    if shown.load(ordering: .relaxed) { Progress.draw("\r\u{1b}[K") }
  }

  /// `-q/--quiet` was given: no progress line either.
  nonisolated(unsafe) static var quiet = false

  private static func variable(_ name: String) -> String? { Sys.variable(name) }

  private static func draw(_ text: String) {
    try? FileDescriptor.standardError.writeAll(Array(text.utf8))  // a progress line that cannot be drawn is not missed
  }

  /// Runs `body` with a progress line.
  static func around<T, E: Error>(_ what: String, counting unit: String = "", _ body: (Progress) throws(E) -> T) throws(E) -> T {
    let progress = Progress(what, counting: unit)
    defer { progress.finish() }
    return try body(progress)
  }
}
