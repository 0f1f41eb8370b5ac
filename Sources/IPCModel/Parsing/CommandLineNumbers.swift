/// Why a command-line number was rejected.
package enum NumberError: Error, Equatable, Sendable {
  /// Not a number at all, or with something after it.
  case invalid
  /// A number, but out of range (errno ERANGE).
  case outOfRange
}

/// Command-line numbers parsed as util-linux parses them.
package enum CommandLineNumber {
  /// C `isspace` in the C locale, which `strtoimax` skips before the number.
  package static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0d).contains(byte)
  }

  /// What the strto* family reads before the digits: white space, then an optional sign.
  static func signedStart<Text: Collection<UInt8>>(_ text: Text) -> (negative: Bool, rest: Text.SubSequence) {
    var rest = text.drop(while: isSpace)
    guard let first = rest.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else {
      return (false, rest)
    }
    rest = rest.dropFirst()
    return (first == UInt8(ascii: "-"), rest)
  }

  /// Parses an id as util-linux `strtos32_or_err` does.
  ///
  /// That is `strtoimax(text, &end, 10)`, the whole text consumed, within Int32.
  /// Leading white space and a sign are accepted; `0x10`, `12abc`, `1 ` and the empty string are not.
  package static func decimalInt32(_ text: [UInt8]) -> Result<Int32, NumberError> {
    let (negative, rest) = signedStart(text[...])
    let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    guard !digits.isEmpty else { return .failure(.invalid) }
    // strtoimax saturates and sets ERANGE, which util-linux reports even when junk follows the digits.
    let (magnitude, overflow) = Digits.accumulate(digits, radix: 10)
    if overflow || magnitude > UInt64(Int64.max) + (negative ? 1 : 0) { return .failure(.outOfRange) }
    guard digits.endIndex == rest.endIndex else { return .failure(.invalid) }
    let value = negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
    guard let narrowed = Int32(exactly: value) else { return .failure(.outOfRange) }
    return .success(narrowed)
  }
}

extension CommandLineNumber {
  /// Parses a key as util-linux ipcrm reads one (`strtoul(text, &end, 0)`, the whole text consumed).
  ///
  /// Decimal, `0x` hex and leading-`0` octal, after optional white space and a sign. util-linux then silently
  /// keeps the low 32 bits (`0x100004444` removes key `0x4444`); here a value outside `key_t`'s 32 bits, read as
  /// signed (`-2147483648`…) or unsigned (…`0xffffffff`), is out of range instead, so that a typo cannot remove
  /// another object.
  package static func key(_ text: [UInt8]) -> Result<IPCKey, NumberError> {
    var (negative, rest) = signedStart(text[...])
    var radix: UInt64 = 10
    if rest.starts(with: [UInt8(ascii: "0")]) {
      let afterZero = rest.dropFirst()
      if let x = afterZero.first, x | 0x20 == UInt8(ascii: "x"), let digit = afterZero.dropFirst().first,
        hexValue(digit) != nil
      {
        radix = 16
        rest = afterZero.dropFirst()
      } else {
        radix = 8
      }
    }
    let digits = rest.prefix { hexValue($0).map { UInt64($0) < radix } ?? false }
    guard !digits.isEmpty else { return .failure(.invalid) }
    let (magnitude, overflow) = Digits.accumulate(digits, radix: radix)
    // strtoul reports ERANGE before the junk that may follow the digits.
    if overflow { return .failure(.outOfRange) }
    guard digits.endIndex == rest.endIndex else { return .failure(.invalid) }
    if negative {
      guard magnitude <= 1 << 31 else { return .failure(.outOfRange) }
      return .success(IPCKey(rawValue: Int32(truncatingIfNeeded: 0 &- magnitude)))
    }
    guard magnitude <= UInt64(UInt32.max) else { return .failure(.outOfRange) }
    return .success(IPCKey(rawValue: Int32(bitPattern: UInt32(magnitude))))
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
