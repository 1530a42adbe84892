import Foundation

/// Runs a `/bin/sh -c` script (for what `timeline(...)` cannot express: raw
/// bytes in arguments, ulimit, other users, mount namespaces), with the same
/// clean environment as `timeline(...)`.
@discardableResult
func shell(_ script: String, environment: [String: String] = [:]) throws -> RunResult {
  var env = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "NO_COLOR": "1", "TIMELINE_LOCK_TIMEOUT": "10"]
  env.merge(environment) { $1 }
  return try run("/bin/sh", ["-c", script], environment: env)
}
