/// The values the selection options take besides expressions: durations, and the checks a regular expression
/// passes before glibc compiles it.
package enum SelectionValues {
  /// `90s`, `15m`, `2h`, `7d` or plain seconds, as whole seconds; nil for anything else (`1x`, `-5m`, `1.5h`, an
  /// empty word, a number beyond 64 bits).
  package static func duration(_ text: [UInt8]) -> UInt64? {
    var digits = text[...]
    var unit: UInt64 = 1
    if let last = text.last, !FilterLexer.isDigit(last) {
      switch last {
      case UInt8(ascii: "s"): unit = 1
      case UInt8(ascii: "m"): unit = 60
      case UInt8(ascii: "h"): unit = 3600
      case UInt8(ascii: "d"): unit = 86400
      default: return nil
      }
      digits = digits.dropLast()
    }
    guard !digits.isEmpty, digits.allSatisfy(FilterLexer.isDigit) else { return nil }
    var value: UInt64 = 0
    for digit in digits {
      let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = shifted.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
      guard !o1 && !o2 else { return nil }
      value = sum
    }
    let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
    return overflow ? nil : seconds
  }

  /// Why glibc should not be given `pattern`, or nil when it may: too long, or a shape that makes `regcomp`
  /// build an automaton of gigabytes (consecutive quantifiers `a**`, a repeated group holding a quantifier
  /// `(a+)+`, a repetition count above 1024 `a{1,9999}`), the shapes scols-filter(5) rejects.
  package static func unsafePattern(_ pattern: [UInt8]) -> String? {
    if pattern.count > FilterLimits.patternLength {
      return "the regular expression is longer than \(FilterLimits.patternLength) bytes"
    }
    if pattern.contains(0) { return "the regular expression contains a NUL byte" }
    func isQuantifier(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") }
    // Where each open group started, and whether a quantifier has been seen inside it.
    var groups: [Bool] = []
    var index = 0
    while index < pattern.count {
      let byte = pattern[index]
      let next = index + 1 < pattern.count ? pattern[index + 1] : nil
      if byte == UInt8(ascii: "\\") {
        index += 2
        continue
      }
      if byte == UInt8(ascii: "[") {
        // A bracket expression holds no operator: `[*+]`, `[]a]`, `[^]a]`, `[[:alpha:]]`.
        index = bracketEnd(pattern, from: index)
        continue
      }
      if isQuantifier(byte) || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "{") {
        if !groups.isEmpty { groups[groups.count - 1] = true }
      }
      if isQuantifier(byte), let next, isQuantifier(next) || next == UInt8(ascii: "{") {
        return "the regular expression repeats a repetition ('\(FilterLexer.shown(byte))\(FilterLexer.shown(next))')"
      }
      if byte == UInt8(ascii: "}"), let next, isQuantifier(next) || next == UInt8(ascii: "{") {
        return "the regular expression repeats a repetition ('}\(FilterLexer.shown(next))')"
      }
      switch byte {
      case UInt8(ascii: "("): groups.append(false)
      case UInt8(ascii: ")"):
        let inner = groups.popLast() ?? false
        if inner, let next, isQuantifier(next) || next == UInt8(ascii: "{") {
          return "the regular expression repeats a group that repeats"
        }
        if inner && !groups.isEmpty { groups[groups.count - 1] = true }
      case UInt8(ascii: "{"):
        var scan = index + 1
        var count: UInt64 = 0
        while scan < pattern.count && pattern[scan] != UInt8(ascii: "}") {
          if FilterLexer.isDigit(pattern[scan]) {
            count = count * 10 + UInt64(pattern[scan] - UInt8(ascii: "0"))
            if count > UInt64(FilterLimits.repetition) {
              return "the regular expression repeats more than \(FilterLimits.repetition) times"
            }
          } else {
            count = 0
          }
          scan += 1
        }
      default: break
      }
      index += 1
    }
    return nil
  }

  /// The index after the bracket expression that starts at `start`.
  private static func bracketEnd(_ pattern: [UInt8], from start: Int) -> Int {
    var index = start + 1
    if index < pattern.count && pattern[index] == UInt8(ascii: "^") { index += 1 }
    if index < pattern.count && pattern[index] == UInt8(ascii: "]") { index += 1 }
    while index < pattern.count && pattern[index] != UInt8(ascii: "]") {
      if pattern[index] == UInt8(ascii: "["), index + 1 < pattern.count,
        [UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "=")].contains(pattern[index + 1])
      {
        let delimiter = pattern[index + 1]
        var scan = index + 2
        while scan + 1 < pattern.count && !(pattern[scan] == delimiter && pattern[scan + 1] == UInt8(ascii: "]")) {
          scan += 1
        }
        index = scan + 2
        continue
      }
      index += 1
    }
    return index + 1
  }
}
