/// A problem with the log or its files, with the sysexits code it ends in.
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
  public var message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
