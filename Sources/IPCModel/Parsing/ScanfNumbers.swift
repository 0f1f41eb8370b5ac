/// The leading number of a text, as glibc `fscanf` reads it with `%d` or `%lu`.
///
/// White space is skipped, then an optional sign and decimal digits; the rest is ignored. util-linux reads
/// `/proc/sys/kernel/*` this way.
package enum ScanfNumber {
  /// Reads as `%lu` does: strtoul's rules, so `-1` is 2^64-1 and an overflow saturates.
  ///
  /// Returns nil when there are no digits.
  package static func unsignedLong(_ text: [UInt8]) -> UInt64? { unsignedLong(text[...]) }

  /// As ``unsignedLong(_:)-([UInt8])``, on part of a text.
  package static func unsignedLong(_ text: ArraySlice<UInt8>) -> UInt64? {
    guard let (negative, magnitude, overflow) = scan(text) else { return nil }
    if overflow { return .max }
    return negative ? 0 &- magnitude : magnitude
  }

  /// Reads as `%d` does: strtol's rules on a 64-bit long, then stored in an int (the low 32 bits).
  ///
  /// Returns nil when there are no digits.
  package static func int(_ text: [UInt8]) -> Int32? { int(text[...]) }

  /// As ``int(_:)-([UInt8])``, on part of a text.
  package static func int(_ text: ArraySlice<UInt8>) -> Int32? {
    guard let (negative, magnitude, overflow) = scan(text) else { return nil }
    let long: Int64
    if overflow || magnitude > UInt64(Int64.max) + (negative ? 1 : 0) {
      long = negative ? .min : .max
    } else {
      long = negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
    }
    return Int32(truncatingIfNeeded: long)
  }

  /// Several `%d` in a row separated by white space, as `fscanf(f, "%d\t%d\t%d\t%d")` reads
  /// `/proc/sys/kernel/sem`: as many as parse before the first that does not.
  package static func ints(_ text: [UInt8], count: Int) -> [Int32] {
    var values: [Int32] = []
    var rest = text[...]
    while values.count < count {
      rest = rest.drop { CommandLineNumber.isSpace($0) }
      var number = rest.prefix { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }.prefix(1)
      number = rest.prefix(number.count + rest.dropFirst(number.count).prefix { isDigit($0) }.count)
      guard let value = int(number) else { break }
      values.append(value)
      rest = rest.dropFirst(number.count)
    }
    return values
  }

  /// Reads a whole field as `%li` (`%SCNi64`) does, as util-linux reads the times of `/proc/sysvipc`.
  ///
  /// An optional sign, then a base chosen by the prefix (`0x`/`0X` hexadecimal, `0` octal, else decimal) and the
  /// digits, converted by strtol's rules: a value beyond 64 bits saturates (glibc's scanf stores strtol's
  /// `LONG_MAX`/`LONG_MIN`), so `18446744073709551615` is `Int64.max` and `-1` is -1. As glibc's scanf does, a
  /// `0x` with no hexadecimal digit after it reads as 0. Returns nil unless the conversion takes the whole field
  /// (util-linux would read the rest as the next field; the kernel never writes such a field).
  package static func longField(_ field: ArraySlice<UInt8>) -> Int64? {
    var rest = field
    let negative = rest.first == UInt8(ascii: "-")
    if negative || rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
    guard let first = rest.first else { return nil }
    var radix: UInt64 = 10
    if first == UInt8(ascii: "0") {
      rest = rest.dropFirst()
      radix = 8
      if let x = rest.first, x | 0x20 == UInt8(ascii: "x") {
        rest = rest.dropFirst()
        radix = 16
      }
    }
    guard rest.allSatisfy({ isDigit($0, radix: radix) }) else { return nil }
    let (magnitude, overflow) = Digits.accumulate(rest, radix: radix)
    if negative {
      return overflow || magnitude > UInt64(Int64.max) + 1 ? .min : Int64(truncatingIfNeeded: 0 &- magnitude)
    }
    return overflow || magnitude > UInt64(Int64.max) ? .max : Int64(magnitude)
  }

  private static func isDigit(_ byte: UInt8, radix: UInt64) -> Bool {
    if radix == 16 {
      let lower = byte | 0x20
      return isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(lower)
    }
    return Digits.digit(byte, radix: radix) != nil
  }

  private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

  /// Concrete types, not `some Collection<UInt8>`: IPCCore calls these across the module boundary, where a generic
  /// function runs unspecialised and looks up its associated types at run time (a fifth of `swipcs -l`'s start).
  private static func scan(_ text: ArraySlice<UInt8>) -> (Bool, UInt64, Bool)? {
    let (negative, rest) = CommandLineNumber.signedStart(text)
    let digits = rest.prefix(while: isDigit)
    guard !digits.isEmpty else { return nil }
    let (magnitude, overflow) = Digits.accumulate(digits, radix: 10)
    return (negative, magnitude, overflow)
  }
}
