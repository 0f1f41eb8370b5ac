/// ASCII number parsing shared by the `/proc` parser and the command-line parsers: no locale, no allocation,
/// overflow reported rather than wrapped.
package enum Digits {
  /// The value of an ASCII digit in `radix` (at most 10), or nil.
  @inline(__always)
  static func digit(_ byte: UInt8, radix: UInt64) -> UInt64? {
    let value = UInt64(byte &- UInt8(ascii: "0"))
    return value < radix ? value : nil
  }

  /// The value of `digits` (each already known to be a digit of `radix`, at most 16), and whether it overflowed
  /// 64 bits on the way, as strtoul reports it; the value is then meaningless.
  static func accumulate(_ digits: some Collection<UInt8>, radix: UInt64) -> (value: UInt64, overflow: Bool) {
    var value: UInt64 = 0
    var overflow = false
    for byte in digits {
      let lower = byte | 0x20
      let digit =
        lower >= UInt8(ascii: "a") ? UInt64(lower - UInt8(ascii: "a") + 10) : UInt64(byte &- UInt8(ascii: "0"))
      let (shifted, o1) = value.multipliedReportingOverflow(by: radix)
      let (sum, o2) = shifted.addingReportingOverflow(digit)
      overflow = overflow || o1 || o2
      value = sum
    }
    return (value, overflow)
  }

  /// Parses `text` as an unsigned number with no sign, no spaces and at least one digit.
  package static func unsigned(_ text: ArraySlice<UInt8>, radix: UInt64 = 10) -> UInt64? {
    guard !text.isEmpty, text.allSatisfy({ digit($0, radix: radix) != nil }) else { return nil }
    let (value, overflow) = accumulate(text, radix: radix)
    return overflow ? nil : value
  }

  /// Parses an optionally signed decimal (`-12`, `+3`, `7`) into `T`; nil on bad syntax or when out of range.
  package static func signed<T: FixedWidthInteger & SignedInteger>(_ text: ArraySlice<UInt8>, as: T.Type) -> T? {
    var digits = text
    var negative = false
    if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
      negative = first == UInt8(ascii: "-")
      digits = digits.dropFirst()
    }
    guard let magnitude = unsigned(digits) else { return nil }
    if negative {
      guard magnitude <= UInt64(T.max) + 1 else { return nil }
      return magnitude == UInt64(T.max) + 1 ? T.min : -T(magnitude)
    }
    guard magnitude <= UInt64(T.max) else { return nil }
    return T(magnitude)
  }
}
