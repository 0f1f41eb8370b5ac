/// The leading number of a text, as glibc `fscanf` reads it with `%d` or `%lu`.
///
/// White space is skipped, then an optional sign and decimal digits; the rest is ignored. util-linux reads
/// `/proc/sys/kernel/*` this way.
package enum ScanfNumber {
  /// Reads as `%lu` does: strtoul's rules, so `-1` is 2^64-1 and an overflow saturates.
  ///
  /// Returns nil when there are no digits.
  package static func unsignedLong(_ text: some Collection<UInt8>) -> UInt64? {
    guard let (negative, magnitude, overflow) = scan(text) else { return nil }
    if overflow { return .max }
    return negative ? 0 &- magnitude : magnitude
  }

  /// Reads as `%d` does: strtol's rules on a 64-bit long, then stored in an int (the low 32 bits).
  ///
  /// Returns nil when there are no digits.
  package static func int(_ text: some Collection<UInt8>) -> Int32? {
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

  private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

  private static func scan(_ text: some Collection<UInt8>) -> (Bool, UInt64, Bool)? {
    let (negative, rest) = CommandLineNumber.signedStart(text)
    let digits = rest.prefix(while: isDigit)
    guard !digits.isEmpty else { return nil }
    let (magnitude, overflow) = Digits.accumulate(digits, radix: 10)
    return (negative, magnitude, overflow)
  }
}
