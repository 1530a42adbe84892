import Foundation
import ReferenceModel
import Testing

/// A small log of the December 2025 story with chosen ids and recorded times,
/// so that every answer about it can be written down exactly.
let industryLines = [
  #"{"id":"gpt51","date":"2025-11-12","kind":"launch","org":"openai","subject":"openai/gpt-5.1","attrs":{"predecessor":"openai/gpt-5","type":"model"},"confidence":"confirmed","source":{"title":"GPT-5.1"},"recorded":"2025-11-12T18:00:00.000Z"}"#,
  #"{"id":"sora-launch","date":"2025-02","kind":"launch","org":"openai","subject":"openai/sora","attrs":{"type":"product"},"confidence":"reported","source":{"title":"Sora"},"recorded":"2025-11-13T09:00:00.000Z"}"#,
  #"{"id":"sora-pause","date":"2025-12","kind":"pause","org":"openai","subject":"openai/sora","attrs":{"reason":"code red"},"confidence":"reported","source":{"title":"Memo"},"recorded":"2025-12-02T09:00:00.000Z"}"#,
  #"{"id":"cro","date":"2025-12-09","kind":"hire","org":"openai","subject":"denise-dresser","attrs":{"role":"CRO"},"confidence":"confirmed","source":{"title":"Hire"},"recorded":"2025-12-09T12:00:00.000Z"}"#,
  #"{"id":"code-red","date":"2025-12-10","kind":"strategy","org":"openai","attrs":{"deprioritize":["openai/sora"],"focus":["openai/chatgpt","openai/gpt-5.2"],"label":"code red"},"confidence":"reported","source":{"title":"Memo"},"recorded":"2025-12-10T08:00:00.000Z"}"#,
  #"{"id":"gpt52","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/gpt-5.2","attrs":{"codename":"olive-oil-cake","predecessor":"openai/gpt-5.1","type":"model"},"confidence":"confirmed","source":{"title":"Introducing GPT-5.2"},"recorded":"2025-12-11T18:00:00.000Z"}"#,
  #"{"id":"valuation","date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"valuation","unit":"USD","value":500000000000},"confidence":"reported","source":{"title":"InfoQ"},"recorded":"2025-12-12T08:00:00.000Z"}"#,
  #"{"id":"gemini3","date":"2025-11-18","kind":"launch","org":"google","subject":"google/gemini-3","attrs":{"type":"model"},"confidence":"confirmed","source":{"title":"Gemini 3"},"recorded":"2025-12-12T09:00:00.000Z"}"#,
  #"{"id":"nbp-throttle","date":"2025-12-05","kind":"throttle","org":"google","subject":"google/nano-banana-pro","attrs":{"limit":"2 images a day"},"confidence":"reported","source":{"title":"Limits"},"recorded":"2025-12-12T10:00:00.000Z"}"#,
  #"{"id":"blind","date":"2025-12-05","kind":"x-blind-test","org":"lmarena","subject":"google/nano-banana-pro","attrs":{"winner":"google/nano-banana-pro"},"confidence":"rumor","source":{"title":"Blind"},"recorded":"2025-12-12T11:00:00.000Z"}"#,
  #"{"id":"r-nbp","date":"2025-12-13","kind":"retract","attrs":{"reason":"was a different product","target":"nbp-throttle"},"confidence":"reported","recorded":"2025-12-13T08:00:00.000Z"}"#,
]

/// Writes `lines`, each ending in `\n`, to `path`.
func writeLines(_ lines: [String], to path: String) throws {
  try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
}

/// Writes raw bytes to `path`.
func writeBytes(_ bytes: [UInt8], to path: String) throws {
  try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// A folder log `dir/events` holding `lines` in `log.jsonl`; returns the folder.
func folderLog(_ dir: String, _ lines: [String] = industryLines) throws -> String {
  let log = dir + "/events"
  try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
  try writeLines(lines, to: log + "/log.jsonl")
  return log
}

/// The lines of a file, without their `\n`.
func fileLines(_ path: String) -> [String] {
  guard let data = FileManager.default.contents(atPath: path) else { return [] }
  return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

/// Runs a query with `--json` and parses its standard output as one JSON document.
func json(_ arguments: [String], log: String, environment: [String: String] = [:]) throws -> J {
  let result = try timeline(["--log", log] + arguments + ["--json"], environment: environment)
  #expect(result.status == 0, "\(arguments): \(result.stderr)")
  return try J.parse(result.stdout)
}

extension RunResult {
  /// Standard output without its final newline.
  var output: String { stdout.hasSuffix("\n") ? String(stdout.dropLast()) : stdout }
  var lines: [String] { output.isEmpty ? [] : output.components(separatedBy: "\n") }
}
