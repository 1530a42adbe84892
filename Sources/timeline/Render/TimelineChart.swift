import EventLog
import Projections

/// What a rendered timeline shows: the standing events in a window of days,
/// with the projections drawn from them. Built once, drawn as SVG, HTML or Mermaid.
struct TimelineView {
  var title: String
  /// Standing events (retractions applied) within the window, in replay order.
  var events: [Event]
  var bands: [ProductBand]
  var lineage: Lineage
  var shifts: [StrategyShift]
  var from: Day
  var to: Day
  var basis: Basis
  /// Whether the window was chosen by the user (--from or --to).
  var windowGiven: Bool
  private var standing: [Event]
  private var org: String?

  /// - Parameters:
  ///   - standing: the replay's standing events, in replay order.
  ///   - from, to: the window; nil means from the first event and to the last.
  init(title: String, standing: [Event], org: String?, from: Day?, to: Day?) {
    self.title = title
    self.standing = standing
    self.org = org
    windowGiven = from != nil || to != nil
    // The window, and what is drawn in it, as the selection's rules say.
    let drawing = Selection(from: from, to: to, org: org).drawing(standing)
    events = drawing.events
    bands = drawing.bands
    lineage = drawing.lineage
    shifts = drawing.shifts
    self.from = drawing.from
    self.to = drawing.to
    basis = Basis(ids: events.map(\.id))
  }

  /// The window as headings show it: its first and last day, or, with no
  /// window given and nothing to draw, that there is nothing (no day is
  /// made up for an empty log).
  var windowText: String { isEmptyRecord ? "no events" : "\(from) to \(to)" }

  /// Nothing to draw, and no window given.
  var isEmptyRecord: Bool { !windowGiven && events.isEmpty && bands.isEmpty }

  /// The heading's summary: the window, how many events and organisations, the basis.
  var summaryText: String {
    (isEmptyRecord ? "" : windowText + " · ") + "\(plural(events.count, "event")) · \(orgs.count) \(orgs.count == 1 ? "organisation" : "organisations") · basis "
  }

  var orgs: [String] {
    sortedKeys(Set(events.compactMap(\.org) + bands.map(\.org)))
  }

  /// A close-up of the busiest stretch, when the window is the whole record and
  /// most events crowd into a small part of it: the `days` days that hold the
  /// most events, if they hold at least a third of them (and 5) and the whole
  /// window is over four times as long.
  func detail(days: Int64 = 60) -> TimelineView? {
    guard !windowGiven, to.daysSince1970 - from.daysSince1970 > 4 * days, events.count >= 5 else { return nil }
    let starts = events.map { $0.date.firstDay.daysSince1970 }.sorted()
    var best = (count: 0, start: Int64(0))
    var upper = 0
    for (lower, start) in starts.enumerated() {
      while upper < starts.count && starts[upper] < start + days { upper += 1 }
      if upper - lower > best.count { best = (upper - lower, start) }
    }
    guard best.count * 3 >= events.count else { return nil }
    // End the close-up at the last event inside it, and start it `days` before.
    let last = starts.filter { $0 >= best.start && $0 < best.start + days }.max() ?? best.start
    let end = last + days / 8  // room after the last event for markers stepped aside
    let window = (Day(daysSince1970: end - days + 1), Day(daysSince1970: end))
    return TimelineView(title: title, standing: standing, org: org, from: window.0, to: window.1)
  }
}

// MARK: - Layout

/// Where everything goes in the picture: lanes, rows and the time scale.
struct ChartLayout {
  static let width = 1240.0
  static let gutter = 190.0
  static let right = 24.0
  /// Where the lanes start: below the heading, legend and axis, or only the axis.
  let top: Double
  static let laneHeader = 28.0
  /// Room above the org's row for strategy labels, on two levels.
  static let shiftStrip = 26.0
  static let rowHeight = 18.0
  static let lanePadding = 10.0

  struct Row {
    /// nil for the org's own row (hires, metrics, strategy, reports).
    var product: String?
    var y: Double
  }

  struct Lane {
    var org: String
    var top: Double
    var bottom: Double
    var rows: [Row]
  }

  var lanes: [Lane] = []
  var height: Double = 0
  let firstDay: Int64
  let dayCount: Double

  init(_ view: TimelineView, compact: Bool = false, heading: Bool = true) {
    top = compact ? 30 : heading ? 118 : 76
    // Pad the window a little so that markers on its edges are not cut.
    let span = max(1, view.to.daysSince1970 - view.from.daysSince1970)
    let pad = max(1, span / 40)
    firstDay = view.from.daysSince1970 - pad
    dayCount = Double(span + 2 * pad)
    var y = top
    // Models known only through lineage (a predecessor never launched in the
    // log) get a row too; found once, not per org.
    let predecessors = Set(view.lineage.models.values.compactMap(\.predecessor))
    let lineageModels = sortedKeys(view.lineage.models.keys).filter { predecessors.contains($0) }
    for org in view.orgs {
      var products = view.bands.filter { $0.org == org }.map(\.product)
      let banded = Set(products)
      products += lineageModels.filter { view.lineage.models[$0]!.org == org && !banded.contains($0) }
      let strip = view.shifts.contains { $0.org == org } ? ChartLayout.shiftStrip : 0
      var lane = Lane(org: org, top: y, bottom: 0, rows: [Row(product: nil, y: y + strip + ChartLayout.laneHeader / 2 + 1)])
      y += strip + ChartLayout.laneHeader
      for product in products {
        lane.rows.append(Row(product: product, y: y + ChartLayout.rowHeight / 2))
        y += ChartLayout.rowHeight
      }
      y += ChartLayout.lanePadding
      lane.bottom = y
      lanes.append(lane)
    }
    height = y + 40
  }

  var plotLeft: Double { ChartLayout.gutter }
  var plotRight: Double { ChartLayout.width - ChartLayout.right }

  func x(_ day: Day) -> Double {
    plotLeft + Double(day.daysSince1970 - firstDay) / dayCount * (plotRight - plotLeft)
  }

  func row(org: String, product: String?) -> Row? {
    guard let lane = lanes.first(where: { $0.org == org }) else { return nil }
    if let product, let row = lane.rows.first(where: { $0.product == product }) { return row }
    return lane.rows.first
  }

  /// Tick marks: the finest of weeks, months, quarters or years that keeps labels apart.
  func ticks() -> [(Day, String)] {
    let first = Day(daysSince1970: firstDay)
    let last = Day(daysSince1970: firstDay + Int64(dayCount))
    let pixelsPerDay = (plotRight - plotLeft) / dayCount
    func months(step: Int) -> [(Day, String)] {
      var result: [(Day, String)] = []
      var year = first.year
      var month = first.month
      while true {
        let day = Day(year: year, month: month, day: 1)
        if day > last { break }
        if day >= first && (month - 1) % step == 0 {
          result.append((day, step == 12 ? String(year) : EventDate(day).description.prefix(7).description))
        }
        month += 1
        if month > 12 { month = 1; year += 1 }
      }
      return result
    }
    if pixelsPerDay * 7 >= 64 {
      var result: [(Day, String)] = []
      var days = firstDay
      while days <= firstDay + Int64(dayCount) {
        let day = Day(daysSince1970: days)
        if [1, 8, 15, 22].contains(day.day) { result.append((day, EventDate(day).description)) }
        days += 1
      }
      return result
    }
    for step in [1, 3, 6] where pixelsPerDay * 30.4 * Double(step) >= 64 {
      return months(step: step)
    }
    for years in [1, 2, 5, 10, 25, 50, 100] where pixelsPerDay * 365.25 * Double(years) >= 48 {
      return months(step: 12).filter { Int($0.1)! % years == 0 }
    }
    return months(step: 12).filter { Int($0.1)! % 100 == 0 }
  }
}

// MARK: - SVG

/// Colours and shapes shared by the picture, its legend and the page's CSS.
enum ChartStyle {
  static func statusColor(_ status: ProductState.Status, throttled: Bool) -> String {
    switch (status, throttled) {
    case (.retired, _): "#b0b0b0"
    case (.paused, _): "#f2b134"
    case (.active, true): "#e8743b"
    case (.active, false): "#3fa34d"
    }
  }

  static func kindColor(_ kind: Kind) -> String {
    switch kind.code {
    case .launch, .resume: "#1b7a2e"
    case .pause: "#b7791f"
    case .retire: "#c0392b"
    case .throttle, .unthrottle: "#d35400"
    case .hire, .depart: "#1f5fa8"
    case .codename: "#7b3fa0"
    case .strategy: "#111111"
    case .metric: "#137a7f"
    case .report: "#555555"
    case .retract, .custom: "#333333"
    }
  }

  /// A marker's shape, centred on (x, y).
  static func shape(_ kind: Kind, x: Double, y: Double, attributes: String) -> String {
    let r = 5.0
    func points(_ list: [(Double, Double)]) -> String {
      "<polygon points=\"" + list.map { "\(n($0.0 + x)),\(n($0.1 + y))" }.joined(separator: " ") + "\" \(attributes)/>"
    }
    switch kind.code {
    case .launch: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" \(attributes)/>"
    case .resume: return points([(-r, -r), (r, 0), (-r, r)])
    case .pause: return "<rect x=\"\(n(x - r + 1))\" y=\"\(n(y - r))\" width=\"\(n(2 * r - 2))\" height=\"\(n(2 * r))\" \(attributes)/>"
    case .retire:
      return "<path d=\"M\(n(x - r)),\(n(y - r))L\(n(x + r)),\(n(y + r))M\(n(x + r)),\(n(y - r))L\(n(x - r)),\(n(y + r))\" stroke-width=\"3\" \(attributes)/>"
    case .throttle: return points([(-r, -r), (r, -r), (0, r)])
    case .unthrottle: return points([(-r, r), (r, r), (0, -r)])
    case .hire, .depart: return points([(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)])
    case .codename: return points([(-r, -r * 0.5), (0, -r - 1), (r, -r * 0.5), (r, r * 0.5), (0, r + 1), (-r, r * 0.5)])
    case .strategy: return points([(-r, -r), (r, -r * 0.2), (-r, r * 0.6)])
    case .metric: return "<rect x=\"\(n(x - r + 0.5))\" y=\"\(n(y - r + 0.5))\" width=\"\(n(2 * r - 1))\" height=\"\(n(2 * r - 1))\" \(attributes)/>"
    case .report, .retract, .custom: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r - 1))\" \(attributes)/>"
    }
  }

  /// The legend's confidence entries: each style's meaning, surest first.
  static let confidenceLegend: [(Confidence, String)] = [
    (.confirmed, "confirmed"), (.reported, "reported"), (.rumor, "rumor (unconfirmed)"),
  ]

  /// In words, for the page: what each marker style means.
  static let confidenceExplanation = "How sure each fact is shows in its marker: ringed in black, confirmed (the organisation's own announcement); plain, reported (press reports, insiders); hollow with a dashed outline, a rumor (suspected, not confirmed)."

  /// Fill, stroke and dash for a kind at a confidence: rumors hollow and
  /// dashed, confirmed with a dark ring.
  static func paint(_ kind: Kind, _ confidence: Confidence) -> String {
    let color = kindColor(kind)
    var hollow = kind == .depart || kind == .report
    if kind.code == .custom { hollow = true }
    if kind == .retire {
      return "stroke=\"\(color)\" fill=\"none\"" + (confidence == .rumor ? " stroke-dasharray=\"2 2\"" : "")
    }
    switch confidence {
    case .rumor: return "fill=\"#ffffff\" stroke=\"\(color)\" stroke-width=\"1.6\" stroke-dasharray=\"2 1.5\""
    case .reported: return hollow ? "fill=\"#ffffff\" stroke=\"\(color)\" stroke-width=\"1.6\"" : "fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"1\""
    case .confirmed: return hollow ? "fill=\"#ffffff\" stroke=\"#000000\" stroke-width=\"2\"" : "fill=\"\(color)\" stroke=\"#000000\" stroke-width=\"1.6\""
    }
  }
}

/// A number as SVG writes it: at most one decimal.
func n(_ value: Double) -> String {
  let rounded = (value * 10).rounded() / 10
  return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

/// The hover text of an event: date, kind, subject, confidence, note, attrs, source and id.
func tooltip(_ event: Event) -> String {
  var lines = ["\(event.date) · \(event.kind) · \(event.subject ?? event.org ?? "")"]
  lines.append("confidence: \(event.confidence.rawValue)")
  if let note = event.note { lines.append("note: \(note)") }
  if !event.attrs.isEmpty {
    lines.append("attrs: " + event.attrs.map { "\($0.key)=\($0.value.description)" }.joined(separator: ", "))
  }
  if let source = event.source {
    let parts = [source.title, source.publisher, source.url, source.date.map { "\($0)" }].compactMap { $0 }
    lines.append("source: " + parts.joined(separator: " · "))
  }
  if let supersedes = event.supersedes { lines.append("supersedes: \(supersedes)") }
  lines.append("id: \(event.id)")
  return lines.joined(separator: "\n")
}

/// Draws the timeline as one SVG element.
/// - Parameter standalone: add the XML namespace declarations a file of its own needs.
/// - Parameter compact: leave out the heading and the legend (a close-up under the main picture).
func renderSVG(_ view: TimelineView, standalone: Bool, id: String = "timeline", compact: Bool = false) -> String {
  // A page has its own heading; a file of its own carries it.
  let heading = standalone
  let chart = SVGChart(view: view, layout: ChartLayout(view, compact: compact, heading: heading), id: id)
  var out = chart.canvas()
  if !compact { out += chart.headingAndLegend(heading: heading) }
  // An empty record has no days to mark.
  if !view.isEmptyRecord { out += chart.axis() }
  if chart.layout.lanes.isEmpty { out.append(chart.nothingToShow()) }
  out += chart.lanes()
  out += chart.bands()
  out += chart.strategyShifts()
  out += chart.lineageArrows()
  out += chart.eventMarkers()
  out.append("</svg>")
  var svg = out.joined(separator: "\n")
  if standalone {
    svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg
  }
  return svg + "\n"
}

/// The parts of the picture, each drawn as lines of SVG, back to front:
/// the canvas, heading and legend, time axis, lanes, bands, strategy shifts,
/// lineage arrows and event markers.
private struct SVGChart {
  let view: TimelineView
  let layout: ChartLayout
  /// The element's id, which also prefixes the ids of its arrow and pattern.
  let id: String

  private var width: Double { ChartLayout.width }
  private func esc(_ text: String) -> String { Markup.escape(text) }

  /// The opening tag, its title, the arrow head and hatching it uses, and a white ground.
  func canvas() -> [String] {
    let height = layout.height
    return [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-labelledby=\"\(id)-title\" id=\"\(id)\" class=\"timeline-chart\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">",
      "<title id=\"\(id)-title\">\(esc(view.title)): \(view.windowText)</title>",
      """
      <defs>\
      <marker id="\(id)-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#5a4a8a"/></marker>\
      <pattern id="\(id)-partial" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="4" fill="#9aa5b1" opacity="0.5"/></pattern>\
      </defs>
      """,
      "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>",
    ]
  }

  /// The title and a line of counts (in a file of its own), then the legend;
  /// without the heading, the legend moves up into its place.
  func headingAndLegend(heading: Bool) -> [String] {
    var out: [String] = []
    if heading {
      out.append("<text class=\"chart-heading\" x=\"12\" y=\"24\" font-size=\"18\" font-weight=\"bold\" fill=\"#111\">\(esc(view.title))</text>")
      out.append("<text class=\"chart-heading\" x=\"12\" y=\"42\" fill=\"#555\">\(view.summaryText)\(view.basis.digest.prefix(12))</text>")
    } else {
      out.append("<g transform=\"translate(0,-42)\">")
    }
    out.append("<g class=\"legend\">")
    out += legendOfLines()
    out += legendOfMarkers()
    out.append("</g>")
    if !heading { out.append("</g>") }
    return out
  }

  /// The legend's first row: band colours, the successor arrow, the strategy
  /// line and the hatching of a date known only to the month or year.
  private func legendOfLines() -> [String] {
    var out: [String] = []
    var legendX = 12.0
    for (label, color) in [("active", ChartStyle.statusColor(.active, throttled: false)), ("throttled", ChartStyle.statusColor(.active, throttled: true)),
                           ("paused", ChartStyle.statusColor(.paused, throttled: false)), ("retired", ChartStyle.statusColor(.retired, throttled: false))] {
      out.append("<rect x=\"\(n(legendX))\" y=\"56\" width=\"22\" height=\"9\" rx=\"2\" fill=\"\(color)\"/><text x=\"\(n(legendX + 27))\" y=\"64\">\(label)</text>")
      legendX += 34 + Double(label.count) * 6.5
    }
    legendX += 10
    out.append("<line x1=\"\(n(legendX))\" y1=\"60\" x2=\"\(n(legendX + 22))\" y2=\"60\" stroke=\"#5a4a8a\" stroke-width=\"1.4\" marker-end=\"url(#\(id)-arrow)\"/><text x=\"\(n(legendX + 27))\" y=\"64\">successor model</text>")
    legendX += 130
    out.append("<line x1=\"\(n(legendX + 4))\" y1=\"54\" x2=\"\(n(legendX + 4))\" y2=\"67\" stroke=\"#111\" stroke-dasharray=\"3 2\"/><text x=\"\(n(legendX + 10))\" y=\"64\">strategy shift</text>")
    legendX += 100
    out.append("<rect x=\"\(n(legendX))\" y=\"56\" width=\"22\" height=\"9\" fill=\"url(#\(id)-partial)\"/><text x=\"\(n(legendX + 27))\" y=\"64\">date known to the month or year</text>")
    return out
  }

  /// The legend's second row: each kind's marker, then what each marker
  /// style says about how sure a fact is.
  private func legendOfMarkers() -> [String] {
    var out: [String] = []
    var kindX = 12.0
    for kind in Kind.builtIn where kind != .retract {
      out.append(ChartStyle.shape(kind, x: kindX + 5, y: 82, attributes: ChartStyle.paint(kind, .reported)))
      out.append("<text x=\"\(n(kindX + 14))\" y=\"86\">\(kind)</text>")
      kindX += 26 + Double(kind.description.count) * 6.3
    }
    kindX += 12
    out.append("<text x=\"\(n(kindX))\" y=\"86\" fill=\"#555\">how sure:</text>")
    kindX += 65
    for (confidence, label) in ChartStyle.confidenceLegend {
      out.append("<g class=\"legend-confidence-\(confidence.rawValue)\">")
      out.append(ChartStyle.shape(.launch, x: kindX + 5, y: 82, attributes: ChartStyle.paint(.launch, confidence)))
      out.append("<text x=\"\(n(kindX + 14))\" y=\"86\">\(label)</text>")
      out.append("</g>")
      kindX += 30 + Double(label.count) * 6.3
    }
    return out
  }

  /// The time axis: a grid line at each tick, labelled above the lanes and below them.
  func axis() -> [String] {
    let axisY = layout.top - 6
    let bottom = layout.lanes.last?.bottom ?? layout.top
    var out = ["<g class=\"axis\" fill=\"#444\">"]
    for (day, label) in layout.ticks() {
      let x = layout.x(day)
      out.append("<line x1=\"\(n(x))\" y1=\"\(n(axisY))\" x2=\"\(n(x))\" y2=\"\(n(bottom))\" stroke=\"#e3e3e3\"/>")
      // A label near the right edge ends at its tick, so it is not cut.
      let anchor = x + Double(label.count) * 3.5 > width - 4 ? "end" : "middle"
      out.append("<text x=\"\(n(x))\" y=\"\(n(axisY - 4))\" text-anchor=\"\(anchor)\">\(label)</text>")
      out.append("<text x=\"\(n(x))\" y=\"\(n(bottom + 14))\" text-anchor=\"\(anchor)\">\(label)</text>")
    }
    out.append("</g>")
    return out
  }

  /// What an empty window shows.
  func nothingToShow() -> String {
    "<text x=\"\(n(width / 2))\" y=\"\(n(layout.top + 20))\" text-anchor=\"middle\" fill=\"#777\">\(view.isEmptyRecord ? "No events." : "No events in this window.")</text>"
  }

  /// Each org's lane: its background, its name, and a label for each product row.
  func lanes() -> [String] {
    var out: [String] = []
    for (index, lane) in layout.lanes.enumerated() {
      out.append("<g class=\"lane\" data-org=\"\(esc(lane.org))\">")
      out.append("<rect class=\"lane-bg\" x=\"0\" y=\"\(n(lane.top))\" width=\"\(n(width))\" height=\"\(n(lane.bottom - lane.top))\" fill=\"\(index % 2 == 0 ? "#f6f8fa" : "#ffffff")\"/>")
      out.append("<line x1=\"0\" y1=\"\(n(lane.top))\" x2=\"\(n(width))\" y2=\"\(n(lane.top))\" stroke=\"#c8ccd0\"/>")
      out.append("<text class=\"org\" x=\"12\" y=\"\(n(lane.rows[0].y + 4))\" font-size=\"13\" font-weight=\"bold\" fill=\"#111\">\(esc(Markup.truncate(lane.org, 24)))</text>")
      for row in lane.rows.dropFirst() {
        let product = row.product ?? ""
        let slug = product.split(separator: "/", maxSplits: 1).last.map(String.init) ?? product
        let known = view.bands.contains { $0.product == product }
        out.append("<text class=\"product\" x=\"\(n(ChartLayout.gutter - 8))\" y=\"\(n(row.y + 4))\" text-anchor=\"end\" fill=\"\(known ? "#222" : "#888")\"><title>\(esc(product))\(known ? "" : " (no product event in the log)")</title>\(esc(Markup.truncate(slug, 28)))</text>")
      }
      out.append("</g>")
    }
    return out
  }

  /// Each product's status over time, on its row: a coloured bar per span,
  /// and a quiet dotted line from its retirement to the window's end.
  func bands() -> [String] {
    var out = ["<g class=\"bands\">"]
    let windowEnd = view.to
    for band in view.bands {
      guard let row = layout.row(org: band.org, product: band.product), row.product != nil else { continue }
      for span in band.spans {
        let start = max(span.start.firstDay, view.from)
        let end = span.end.map { min($0.firstDay, windowEnd) } ?? windowEnd
        if span.status == .retired {
          // A retired product: a thin line to the edge, so that the end is visible but quiet.
          let x = layout.x(max(span.start.firstDay, view.from))
          if span.start.firstDay <= windowEnd {
            out.append("<line x1=\"\(n(x))\" y1=\"\(n(row.y))\" x2=\"\(n(layout.x(windowEnd)))\" y2=\"\(n(row.y))\" stroke=\"\(ChartStyle.statusColor(.retired, throttled: false))\" stroke-dasharray=\"2 3\"/>")
          }
          continue
        }
        guard end >= start, span.start.firstDay <= windowEnd else { continue }
        let x1 = layout.x(start)
        let x2 = max(layout.x(end), x1 + 2)
        let status = span.status.rawValue + (span.throttled ? ", throttled" : "")
        out.append("<rect class=\"band status-\(span.throttled && span.status == .active ? "throttled" : span.status.rawValue)\" x=\"\(n(x1))\" y=\"\(n(row.y - 5))\" width=\"\(n(x2 - x1))\" height=\"10\" rx=\"3\" fill=\"\(ChartStyle.statusColor(span.status, throttled: span.throttled))\"><title>\(esc(band.product)): \(status) from \(span.start)\(span.end.map { " to \($0)" } ?? "")</title></rect>")
      }
    }
    out.append("</g>")
    return out
  }

  /// Strategy shifts: a dashed line across the org's lane with a label.
  func strategyShifts() -> [String] {
    var out = ["<g class=\"strategy-shifts\">"]
    // Labels take the first of two levels where they do not run into the previous one.
    var levelEnds: [String: [Double]] = [:]
    for shift in view.shifts {
      guard let lane = layout.lanes.first(where: { $0.org == shift.org }) else { continue }
      let x = layout.x(shift.date.firstDay)
      var text = shift.label ?? "strategy"
      if !shift.added.isEmpty { text += " · focus " + shift.added.joined(separator: ", ") }
      out.append("<g class=\"strategy-shift\" data-event=\"\(esc(shift.event))\"><title>\(esc(hoverText(shift)))</title>")
      out.append("<line x1=\"\(n(x))\" y1=\"\(n(lane.top + 3))\" x2=\"\(n(x))\" y2=\"\(n(lane.bottom - 2))\" stroke=\"#111\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>")
      let label = "⚑ " + Markup.truncate(text, 56)
      let labelWidth = Double(label.count) * 6.4
      let anchorEnd = x + 6 + labelWidth > ChartLayout.width - 4
      let left = anchorEnd ? x - 6 - labelWidth : x + 6
      var ends = levelEnds[shift.org] ?? [-Double.infinity, -Double.infinity]
      let level = ends[0] < left - 4 ? 0 : ends[1] < left - 4 ? 1 : (ends[0] <= ends[1] ? 0 : 1)
      ends[level] = left + labelWidth
      levelEnds[shift.org] = ends
      out.append("<text x=\"\(n(anchorEnd ? x - 6 : x + 6))\" y=\"\(n(lane.top + 11 + Double(level) * 12))\" font-weight=\"bold\" fill=\"#111\"\(anchorEnd ? " text-anchor=\"end\"" : "")>\(esc(label))</text>")
      out.append("</g>")
    }
    out.append("</g>")
    return out
  }

  /// A shift's hover text: date, org, label, the focus before and after, what it deprioritizes, and its id.
  private func hoverText(_ shift: StrategyShift) -> String {
    var hover = "\(shift.date) · strategy · \(shift.org)\n" + (shift.label.map { "label: \($0)\n" } ?? "")
    hover += "focus before: \(shift.focusBefore.joined(separator: ", "))\nfocus after: \(shift.focusAfter.joined(separator: ", "))"
    if !shift.removed.isEmpty { hover += "\ndeprioritize: \(shift.removed.joined(separator: ", "))" }
    hover += "\nid: \(shift.event)"
    return hover
  }

  /// Lineage: an arrow from each predecessor's row to its successor's launch.
  func lineageArrows() -> [String] {
    var out = ["<g class=\"lineage\" fill=\"none\" stroke=\"#5a4a8a\" stroke-width=\"1.4\">"]
    for model in sortedKeys(view.lineage.models.keys) {
      guard let node = view.lineage.models[model], let predecessor = node.predecessor,
        let to = layout.row(org: node.org, product: model), to.product == model,
        let fromNode = view.lineage.models[predecessor], let from = layout.row(org: fromNode.org, product: predecessor),
        from.product == predecessor
      else { continue }
      let launched = node.launched ?? view.bands.first { $0.product == model }?.spans.first?.start
      guard let day = launched?.firstDay, day >= view.from, day <= view.to else { continue }
      let x = layout.x(day)
      let bend = 26.0
      out.append("<path class=\"lineage-arrow\" d=\"M\(n(x - bend)),\(n(from.y))C\(n(x - 4)),\(n(from.y)) \(n(x - bend)),\(n(to.y)) \(n(x - 7)),\(n(to.y))\" marker-end=\"url(#\(id)-arrow)\"><title>\(esc(predecessor)) → \(esc(model))</title></path>")
    }
    out.append("</g>")
    return out
  }

  /// A marker for each event on its row, linked to its source when that is a web address.
  func eventMarkers() -> [String] {
    var out = ["<g class=\"events\">"]
    // Markers that would cover each other on a row are spread out around their
    // dates, inside the plot; a tick under each keeps its true date.
    let placed = markerPositions(view.events, layout: layout, from: view.from)
    for (index, event) in view.events.enumerated() {
      guard let org = event.org, let row = layout.row(org: org, product: event.subject), let x = placed[index] else { continue }
      let body = "<title>\(esc(tooltip(event)))</title>" + marker(event, x: x, y: row.y).joined()
      let group = "<g class=\"event kind-\(esc(event.kind.description)) confidence-\(event.confidence.rawValue)\" data-event=\"\(esc(event.id))\">"
      if let url = Markup.linkableURL(event.source?.url) {
        out.append("<a href=\"\(esc(url))\" target=\"_blank\" rel=\"noopener noreferrer\">\(group)\(body)</g></a>")
      } else {
        out.append("\(group)\(body)</g>")
      }
    }
    out.append("</g>")
    return out
  }

  /// An event's marker at `x` on the row at `y`: hatching over the period of
  /// a date known only to the month or year, a tick back to its true date when
  /// it was stepped aside, and its shape.
  private func marker(_ event: Event, x: Double, y: Double) -> [String] {
    let trueX = layout.x(max(event.date.firstDay, view.from))
    var parts: [String] = []
    if event.date.precision != .day {
      let x2 = layout.x(min(event.date.lastDay, view.to))
      parts.append("<rect x=\"\(n(x))\" y=\"\(n(y - 7))\" width=\"\(n(max(2, x2 - x)))\" height=\"14\" fill=\"url(#\(id)-partial)\"/>")
    }
    if x != trueX {
      parts.append("<path d=\"M\(n(trueX)),\(n(y + 7))L\(n(x)),\(n(y + 7))L\(n(x)),\(n(y + 5))\" fill=\"none\" stroke=\"#888\" stroke-width=\"0.8\"/>")
    }
    parts.append(ChartStyle.shape(event.kind, x: x, y: y, attributes: ChartStyle.paint(event.kind, event.confidence)))
    return parts
  }
}

/// Where each event's marker goes: at its date, unless markers on the same
/// row would overlap; then each cluster is spread 9 px apart, centred on its
/// dates and kept inside the plot.
func markerPositions(_ events: [Event], layout: ChartLayout, from: Day) -> [Int: Double] {
  let gap = 9.0
  var byRow: [Double: [(index: Int, x: Double)]] = [:]
  for (index, event) in events.enumerated() {
    guard let org = event.org, let row = layout.row(org: org, product: event.subject) else { continue }
    byRow[row.y, default: []].append((index, layout.x(max(event.date.firstDay, from))))
  }
  var result: [Int: Double] = [:]
  for (_, markers) in byRow {
    let sorted = markers.sorted { $0.x != $1.x ? $0.x < $1.x : $0.index < $1.index }
    var clusters: [[(index: Int, x: Double)]] = []
    for marker in sorted {
      if var last = clusters.last, let first = last.first, marker.x < first.x + Double(last.count) * gap {
        last.append(marker)
        clusters[clusters.count - 1] = last
      } else {
        clusters.append([marker])
      }
    }
    var floor = layout.plotLeft - 8
    for cluster in clusters {
      let width = Double(cluster.count - 1) * gap
      let mean = cluster.map(\.x).reduce(0, +) / Double(cluster.count)
      let start = max(floor, min(mean - width / 2, layout.plotRight + 14 - width))
      for (offset, marker) in cluster.enumerated() { result[marker.index] = start + Double(offset) * gap }
      floor = start + width + gap
    }
  }
  return result
}
