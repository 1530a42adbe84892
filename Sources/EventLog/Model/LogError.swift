/// A problem with the log or its files, with the sysexits code it ends in.
///
/// It says what went wrong in the log's own terms (files, lines, fields,
/// values); what to do next is a `NextStep` value, and the part of a line's
/// fault that depends on how the event was typed an `InputHint`, both put
/// into words by the command line, which knows its commands and options.
public struct LogError: Error, Sendable, CustomStringConvertible {
  /// sysexits.h categories.
  public enum Code: Int32, Sendable {
    case usage = 64
    case dataError = 65
    case noInput = 66
    case cannotCreate = 73
    case ioError = 74
    case tempFail = 75
  }

  public var code: Code
  /// What went wrong, with no command or option names.
  public var message: String
  /// When `message` ends with a line's fault: what its words depend on (said
  /// as for a line of the log).
  public var hint: InputHint?
  /// What the user can do about it, said after the message.
  public var nextStep: NextStep?

  public init(_ code: Code, _ message: String, hint: InputHint? = nil, nextStep: NextStep? = nil) {
    self.code = code
    self.message = message
    self.hint = hint
    self.nextStep = nextStep
  }

  /// The message alone, without the hint or the next step.
  public var description: String { message }
}

/// What the user can do about a `LogError`: the command line says it with
/// its own command and option names.
public enum NextStep: Sendable, Equatable {
  /// No log at `path`: adding an event creates it, or the log option names another.
  case createLog(path: String)
  /// The log's path is not a log: name a file or a folder of them.
  case pointAtLog
  /// A batch was appended but its rollback record is still there: the next
  /// append or repair rolls the batch back.
  case batchRolledBackLater
  /// A given `recorded` time is out of order: leave it out to have it stamped.
  case leaveRecordedOut
  /// The same, for `import`: its `--restamp` stamps the events now.
  case restampImport
  /// No time after the file's last `recorded` can be stamped: a line was
  /// imported with a wrong `recorded`.
  case fixImportedRecorded
  /// A whole event lacks only its final newline in `file`: a repair keeps it
  /// (adding the newline), or the user ends it by hand.
  case keepFinalEvent(file: String)
  /// The file's last line cannot be read: a check finds why.
  case findWithCheck
  /// A line of the log is not valid: the log must be fixed before it is read.
  case fixLogFirst
}

/// The part of a fault whose words depend on how the event was given (flags,
/// a JSON line, an imported row, a line of the log).
public enum InputHint: Sendable, Equatable {
  /// A required attr is missing; `example` is a value it could take.
  case missingAttr(name: String, example: AttrExample)
  /// A field that every stored line has, which is written when an event is appended.
  case writtenOnAppend
}

/// An example of an attr's value, for a message that says how to give it.
public enum AttrExample: Sendable, Equatable {
  /// A string value, like `CEO`.
  case string(String)
  /// A number, like `500000000000`.
  case number(String)
  /// No example: a value of the right type.
  case any
  /// No value can be shown; this says what it is (`the id of the event to retract`).
  case described(String)
}
