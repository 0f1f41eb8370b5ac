package import IPCModel

/// How sizes are shown: util-linux's `IPC_UNIT_*`.
package enum SizeUnit: Sendable {
  case standard
  case bytes
  case kilobytes
  case human
}

/// util-linux's `size_to_human_string` with one-letter suffixes: `0B`, `1023B`, `12.1K`, `1024K`, `16E`.
package enum HumanSize {
  /// The text of `bytes`.
  ///
  /// - Parameters:
  ///   - bytes: the size.
  ///   - decimalPoint: the locale's decimal point (`localeconv()`), `.` in the C locale.
  /// - Returns: the text, such as `12.1K`.
  package static func text(_ bytes: UInt64, decimalPoint: [UInt8] = [UInt8(ascii: ".")]) -> [UInt8] {
    var exponent = 0
    for shift in stride(from: 10, through: 60, by: 10) where bytes >= UInt64(1) << UInt64(shift) {
      exponent = shift
    }
    let letters: StaticString = "BKMGTPE"
    let letter = letters.withUTF8Buffer { $0[exponent / 10] }
    var whole = exponent == 0 ? bytes : bytes >> UInt64(exponent)
    var fraction = exponent == 0 ? 0 : bytes & ((UInt64(1) << UInt64(exponent)) - 1)
    if fraction != 0 {
      // Three digits after the point, then rounded to one.
      if fraction >= UInt64.max / 1000 {
        fraction = ((fraction / 1024) * 1000) / (UInt64(1) << UInt64(exponent - 10))
      } else {
        fraction = (fraction * 1000) / (UInt64(1) << UInt64(exponent))
      }
      fraction = ((fraction + 50) / 100) * 10
      if fraction == 100 {
        // util-linux bumps the whole part without moving to the next unit: 1048552 bytes is "1024K".
        whole += 1
        fraction = 0
      }
    }
    var out = OutputBuffer()
    out.appendDecimal(Int32(truncatingIfNeeded: whole))
    if fraction != 0 {
      out.append(decimalPoint.isEmpty ? [UInt8(ascii: ".")] : decimalPoint)
      out.appendDecimal(fraction / 10)
    }
    out.append(letter)
    return out.bytes
  }
}

extension OutputBuffer {
  /// util-linux `ipc_print_size(unit, label, value, end, 0)`.
  ///
  /// A label ending in `=` is printed as it is; otherwise `label (bytes) = ` for bytes, `label (kbytes) = ` for
  /// kilobytes and `label = ` for the rest. The value is plain, divided by 1024 for kilobytes, or human-readable.
  package mutating func appendSize(
    _ value: UInt64,
    unit: SizeUnit,
    label: String,
    end: StaticString,
    decimalPoint: [UInt8]
  ) {
    append(Array(label.utf8))
    if !label.hasSuffix("=") {
      switch unit {
      case .bytes: append(" (bytes) = ")
      case .kilobytes: append(" (kbytes) = ")
      case .standard, .human: append(" = ")
      }
    }
    switch unit {
    case .standard, .bytes: appendDecimal(value)
    case .kilobytes: appendDecimal(value / 1024)
    case .human: append(HumanSize.text(value, decimalPoint: decimalPoint))
    }
    append(end)
  }
}
