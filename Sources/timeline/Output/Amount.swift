import EventLog

/// An amount as a person reads it, with its unit: `500 B USD`, `1.2 M users`,
/// `12,500 users`, `0.1`. Text output only; JSON keeps the exact value.
///
/// The rule:
/// - below 1,000 in size: the exact number, as JSON writes it (`999`, `0.1`,
///   `0.01`, `1e-7`); nothing is rounded;
/// - from 1,000 to below a million: the exact number with its digits grouped
///   by commas (`12,500`, `1,234.5`); there is no K;
/// - from a million: shortened to M (million), B (billion, 10^9) or T
///   (trillion, 10^12), rounded to `significantDigits` significant digits
///   (3 unless a caller needs more), trailing zeros dropped (`1.2 M`,
///   `183 B`, `1.23 M`); an amount that rounds up to 1000 of a step takes
///   the next (`999,999,999` is `1 B`); from 1,000 T the count of T is
///   grouped (`1,500 T`), and from 10^21 the number is written as JSON
///   writes it (`1e+21`);
/// - a negative amount is its size with a minus sign (`-2.5 B`);
/// - the unit, when there is one, follows after a space.
func amountText(_ value: Double, unit: String? = nil, significantDigits: Int = 3) -> String {
  var text = value < 0 ? "-" : ""
  let size = abs(value)
  if size == 0 {
    text = "0"
  } else if size < 1000 {
    text += CanonicalJSON.numberText(size)
  } else if size < 1_000_000 {
    text += groupedDigits(CanonicalJSON.numberText(size))
  } else if size >= 1e21 {
    text += CanonicalJSON.numberText(size)
  } else {
    text += shortened(size, significantDigits: significantDigits)
  }
  return unit.map { text + " " + $0 } ?? text
}

/// A change of an amount as diff shows it: `183 B -> 350 B USD`, the unit
/// once when both sides share it (`183 B EUR -> 350 B USD` when it changed,
/// `(none) -> 500 B USD` for a new one). Two different amounts that would
/// round to the same text get more significant digits until they differ.
func amountChangeText(_ before: Double?, _ after: Double?, unitBefore: String?, unitAfter: String?) -> String {
  var digits = 3
  var texts: (String, String)
  repeat {
    texts = (before.map { amountText($0, significantDigits: digits) } ?? "(none)",
             after.map { amountText($0, significantDigits: digits) } ?? "(none)")
    digits += 1
  } while texts.0 == texts.1 && before != after && digits <= 17
  if before != nil, after != nil, unitBefore != unitAfter {
    return [texts.0, unitBefore].compactMap { $0 }.joined(separator: " ") + " -> "
      + [texts.1, unitAfter].compactMap { $0 }.joined(separator: " ")
  }
  return "\(texts.0) -> \(texts.1)" + ((unitAfter ?? unitBefore).map { " " + $0 } ?? "")
}

/// `1234567.5` as `1,234,567.5`: the digits before the point grouped by threes.
private func groupedDigits(_ number: String) -> String {
  let point = number.firstIndex(of: ".") ?? number.endIndex
  let whole = Array(number[..<point])
  var out = ""
  for (index, digit) in whole.enumerated() {
    if index > 0 && (whole.count - index) % 3 == 0 { out.append(",") }
    out.append(digit)
  }
  return out + number[point...]
}

/// A size from a million to below 10^21 in M, B or T.
private func shortened(_ size: Double, significantDigits: Int) -> String {
  let steps: [(Double, String)] = [(1e6, "M"), (1e9, "B"), (1e12, "T")]
  var step = steps.lastIndex { $0.0 <= size } ?? 0
  while true {
    let count = size / steps[step].0
    var whole = 1
    var power = 10.0
    while count >= power {
      whole += 1
      power *= 10
    }
    let decimals = max(0, significantDigits - whole)
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (count * scale).rounded() / scale
    if rounded >= 1000 && step < steps.count - 1 {
      step += 1
      continue
    }
    var digits = String(Int64((count * scale).rounded()))
    var text: String
    if decimals == 0 {
      text = groupedDigits(digits)
    } else {
      if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
      let split = digits.index(digits.endIndex, offsetBy: -decimals)
      var fraction = String(digits[split...])
      while fraction.last == "0" { fraction.removeLast() }
      text = groupedDigits(String(digits[..<split])) + (fraction.isEmpty ? "" : "." + fraction)
    }
    return text + " " + steps[step].1
  }
}
