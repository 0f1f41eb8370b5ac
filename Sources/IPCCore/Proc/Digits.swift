/// ASCII number parsing shared by the `/proc` parser and the command-line parsers: no locale, no allocation,
/// overflow reported rather than wrapped.
package enum Digits {
  /// The value of an ASCII digit in `radix` (at most 10), or nil.
  @inline(__always)
  static func digit(_ byte: UInt8, radix: UInt64) -> UInt64? {
    let value = UInt64(byte &- UInt8(ascii: "0"))
    return value < radix ? value : nil
  }

  /// Parses `text` as an unsigned number with no sign, no spaces and at least one digit.
  package static func unsigned(_ text: ArraySlice<UInt8>, radix: UInt64 = 10) -> UInt64? {
    guard !text.isEmpty else { return nil }
    var value: UInt64 = 0
    for byte in text {
      guard let d = digit(byte, radix: radix) else { return nil }
      let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
      let (sum, overflow2) = shifted.addingReportingOverflow(d)
      if overflow1 || overflow2 { return nil }
      value = sum
    }
    return value
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
