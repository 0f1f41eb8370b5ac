import Glibc

/// Bytes on their way to a file descriptor, formatted without String or Foundation.
///
/// The renderers append; `flushIfFull()` after each row writes whole rows in 64 KiB chunks, so a large listing
/// never sits in memory at once and no row is ever written in part by us. A write error is remembered, the rest of
/// the output is dropped, and `finish()` reports it as util-linux's `close_stdout` does: EPIPE and EBADF are
/// quiet, anything else is `write error`.
package struct OutputBuffer {
  package private(set) var bytes: [UInt8] = []
  /// Where `flush` writes; nil collects everything in `bytes` (tests).
  private let descriptor: Int32?
  /// The errno of the first failed write.
  package private(set) var writeError: Int32?
  private static let chunk = 1 << 16

  /// A buffer that writes to `descriptor`.
  package init(descriptor: Int32) {
    self.descriptor = descriptor
    bytes.reserveCapacity(Self.chunk + 4096)
  }

  /// A buffer that only collects.
  package init() { descriptor = nil }

  package mutating func flushIfFull() {
    if bytes.count >= Self.chunk { flush() }
  }

  /// Writes out what is buffered.
  package mutating func flush() {
    guard let descriptor else { return }
    defer { bytes.removeAll(keepingCapacity: true) }
    guard writeError == nil else { return }
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { raw in
        write(descriptor, raw.baseAddress.unsafelyUnwrapped + offset, raw.count - offset)
      }
      if written < 0 {
        let code = errno
        if code == EINTR { continue }
        writeError = code
        return
      }
      offset += written
    }
  }

  /// Flushes, then tells whether a write error must be reported (EPIPE and EBADF are not, as in util-linux).
  package mutating func finish() -> Int32? {
    flush()
    guard let code = writeError, code != EPIPE, code != EBADF else { return nil }
    return code
  }

  // MARK: Appending

  package mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  package mutating func append(_ byte: UInt8) { bytes.append(byte) }

  package mutating func append(_ other: some Collection<UInt8>) { bytes.append(contentsOf: other) }

  package mutating func appendSpaces(_ count: Int) {
    if count > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
  }

  /// `%-<width>s`, or with `truncate` `%-<width>.<width>s`; `alignRight` gives `%<width>s`.
  package mutating func append(
    _ text: some Collection<UInt8>,
    width: Int,
    truncate: Bool = false,
    alignRight: Bool = false
  ) {
    let shown = truncate ? min(text.count, width) : text.count
    if alignRight { appendSpaces(width - shown) }
    bytes.append(contentsOf: text.prefix(shown))
    if !alignRight { appendSpaces(width - shown) }
  }

  /// `%d`/`%u`/`%ju` with an optional width: left-aligned (`%-10d`) unless `alignRight` (`%5d`).
  package mutating func appendDecimal(_ value: some BinaryInteger, width: Int = 0, alignRight: Bool = false) {
    appendNumber(UInt64(value.magnitude), radix: 10, negative: value < 0, width: width, alignRight: alignRight)
  }

  /// `%o`, or with `alternate` `%#o` (a leading 0 unless the value is 0), left-aligned in `width`.
  package mutating func appendOctal(_ value: UInt32, width: Int = 0, alternate: Bool = false) {
    if alternate && value != 0 {
      append(UInt8(ascii: "0"))
      appendNumber(UInt64(value), radix: 8, negative: false, width: width - 1, alignRight: false)
    } else {
      appendNumber(UInt64(value), radix: 8, negative: false, width: width, alignRight: false)
    }
  }

  /// `0x%08x`.
  package mutating func appendHexKey(_ value: UInt32) {
    append("0x")
    let digits: StaticString = "0123456789abcdef"
    digits.withUTF8Buffer { table in
      for shift in stride(from: 28, through: 0, by: -4) {
        bytes.append(table[Int((value >> UInt32(shift)) & 0xf)])
      }
    }
  }

  private mutating func appendNumber(
    _ magnitude: UInt64,
    radix: UInt64,
    negative: Bool,
    width: Int,
    alignRight: Bool
  ) {
    var digitCount = 1
    var rest = magnitude / radix
    while rest > 0 {
      digitCount += 1
      rest /= radix
    }
    let padding = width - digitCount - (negative ? 1 : 0)
    if alignRight { appendSpaces(padding) }
    if negative { bytes.append(UInt8(ascii: "-")) }
    let start = bytes.count
    bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
    bytes.withUnsafeMutableBufferPointer { buffer in
      var value = magnitude
      var index = start + digitCount - 1
      repeat {
        buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % radix)
        value /= radix
        index -= 1
      } while value > 0
    }
    if !alignRight { appendSpaces(padding) }
  }
}
