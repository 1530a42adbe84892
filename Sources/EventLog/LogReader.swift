/// Every event of a log, with what the reader left out.
public struct LoadedLog: Sendable {
  public var events: [Event]
  public var notices: [ReadNotice]
}

extension LogStore {
  /// Reads and decodes every line of every file of the log.
  /// - Throws: `LogError` 65 naming `file:line` at the first malformed line
  ///   (nothing is skipped), 66 when the log is missing or unreadable.
  public func load() throws(LogError) -> LoadedLog {
    var events: [Event] = []
    var notices: [ReadNotice] = []
    for file in try files() {
      do {
        notices += try readLines(of: file) { line in
          do throws(ValueError) {
            events.append(try EventCodec.decode(line.bytes, stored: true))
          } catch {
            throw LogError(.dataError, "\(line.place): \(error.message)\n  the log must be fixed first: `timeline check` lists every problem")
          }
        }
      } catch let error as LogError {
        throw error
      } catch {
        throw LogError(.ioError, "cannot read \(file): \(error)")
      }
    }
    return LoadedLog(events: events, notices: notices)
  }
}
