import Glibc
package import IPCModel

/// Bytes on their way to a file descriptor, formatted without String or Foundation.
///
/// The renderers append; `flushIfFull()` after each row writes what C's stdio would have written by then: whole
/// blocks of its buffer size (`min(st_blksize, BUFSIZ)`, 4096 on most files and pipes), or each line on a terminal.
/// So the same bytes reach a file that fills up or a reader that goes away as util-linux's do, and with stderr in
/// the same pipe the lines interleave as util-linux's. A write error is remembered, the rest of the output is
/// dropped (as glibc drops a buffer it could not write), and `finish()` words it as `close_stdout` does.
///
/// The bytes live in memory this value owns (it is not copyable, and frees them when it ends): appending to an
/// `Array` costs a uniqueness and capacity check per call, which was a fifth of swipcs's user time at 96,000 rows.
package struct OutputBuffer: ~Copyable {
  private var base: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var capacity: Int
  /// Where `flush` writes; nil collects everything (tests, and text built for later use).
  private let descriptor: Int32?
  /// The errno of the first failed write.
  private var writeError: Int32?
  /// The size of the buffer glibc's stdio would give this descriptor: `min(st_blksize, BUFSIZ)`.
  private let stdioBuffer: Int
  /// Whether the descriptor is a terminal, which stdio writes line by line.
  private let lineBuffered: Bool

  /// A buffer that writes to `descriptor` where stdio would.
  package init(descriptor: Int32) {
    self.descriptor = descriptor
    lineBuffered = isatty(descriptor) == 1
    var info = stat()
    let blockSize = fstat(descriptor, &info) == 0 ? Int(info.st_blksize) : 0
    stdioBuffer = blockSize > 0 && blockSize < Int(BUFSIZ) ? blockSize : Int(BUFSIZ)
    capacity = stdioBuffer + 8192
    base = .allocate(capacity: capacity)
  }

  /// A buffer that only collects.
  package init() {
    descriptor = nil
    lineBuffered = false
    capacity = 256
    base = .allocate(capacity: capacity)
    stdioBuffer = Int(BUFSIZ)
  }

  deinit { base.deallocate() }

  /// What has been appended and not yet flushed.
  package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

  /// Calls `body` with what has been appended and not yet flushed.
  package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    body(UnsafeBufferPointer(start: base, count: count))
  }

  /// Forgets what is buffered and not yet flushed, keeping the memory: for a scratch buffer used again and again.
  package mutating func removeAll() { count = 0 }

  /// Makes room for `extra` bytes that the caller then appends (and counts).
  @inline(__always)
  private mutating func reserve(_ extra: Int) {
    if count + extra > capacity { grow(count + extra) }
  }

  private mutating func grow(_ needed: Int) {
    let newCapacity = max(needed, capacity * 2)
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }

  /// Called at the end of each row or line: writes out what stdio would have written by now.
  @inline(__always)
  package mutating func flushIfFull() {
    if lineBuffered { return flush() }
    // stdio writes its buffer once a byte arrives that no longer fits: whole blocks, the rest kept.
    if count > stdioBuffer { flush(prefix: (count - 1) / stdioBuffer * stdioBuffer) }
  }

  /// Writes out what is buffered.
  package mutating func flush() { flush(prefix: count) }

  /// Writes out the first `length` buffered bytes and keeps the rest.
  private mutating func flush(prefix length: Int) {
    guard let descriptor else { return }
    defer {
      // copyMemory is memmove: the kept tail may overlap where it goes.
      UnsafeMutableRawPointer(base).copyMemory(from: base + length, byteCount: count - length)
      count -= length
    }
    guard writeError == nil else { return }
    writeError = Self.writeAll(descriptor, UnsafeRawBufferPointer(start: base, count: length))
  }

  /// Writes all of `bytes` to `descriptor`, repeating on EINTR and partial writes.
  ///
  /// Returns nil, or the errno of the write that failed (EIO for one that wrote nothing, which would otherwise
  /// loop forever). This is the only write loop of the tools: stdout goes through `flush`, stderr through
  /// `Program`.
  package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    guard let start = bytes.baseAddress else { return nil }
    var offset = 0
    while offset < bytes.count {
      let written = write(descriptor, start + offset, bytes.count - offset)
      if written < 0 {
        let code = errno
        if code == EINTR { continue }
        return code
      }
      if written == 0 { return EIO }
      offset += written
    }
    return nil
  }

  /// Flushes, then says what util-linux's `close_stdout` would say of the writes, or nil when all is well.
  ///
  /// A write that failed during the run set the stream's error flag, and `close_stream` then clears errno (glibc
  /// has dropped what was pending, so `fclose` succeeds): `close_stdout` reports a bare `write error` whatever the
  /// errno, a closed pipe with SIGPIPE ignored included. When only the final flush fails, its errno is reported
  /// (`write error: File too large`) unless it is EPIPE, or EBADF (a closed stdout), which are quiet.
  package mutating func finish() -> Message? {
    let failedDuringRun = writeError != nil
    flush()
    guard let code = writeError else { return nil }
    if failedDuringRun { return "write error" }
    if code == EPIPE || code == EBADF { return nil }
    return "write error: \(errno: code)"
  }

  /// Flushes, then returns the errno of the first write that failed, or nil: for a file whose errors are worded by
  /// the caller (`--textfile`) rather than as `close_stdout` words them.
  package mutating func flushReturningError() -> Int32? {
    flush()
    return writeError
  }

  // MARK: Appending

  @inline(__always)
  package mutating func append(_ text: StaticString) {
    guard text.hasPointerRepresentation else { return text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) } }
    let length = text.utf8CodeUnitCount
    reserve(length)
    (base + count).update(from: text.utf8Start, count: length)
    count += length
  }

  @inline(__always)
  package mutating func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  package mutating func append(_ raw: UnsafeRawBufferPointer) {
    guard let source = raw.baseAddress, !raw.isEmpty else { return }
    reserve(raw.count)
    UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: raw.count)
    count += raw.count
  }

  package mutating func append(_ other: some Collection<UInt8>) {
    let copied: Void? = other.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
    if copied == nil {
      reserve(other.count)
      for byte in other { append(byte) }
    }
  }

  @inline(__always)
  package mutating func appendSpaces(_ spaces: Int) {
    guard spaces > 0 else { return }
    reserve(spaces)
    (base + count).initialize(repeating: UInt8(ascii: " "), count: spaces)
    count += spaces
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
    append(text.prefix(shown))
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

  /// `%02x`.
  package mutating func appendHexDigits(_ byte: UInt8) {
    reserve(2)
    let high = byte >> 4
    let low = byte & 0xf
    base[count] = high < 10 ? UInt8(ascii: "0") &+ high : UInt8(ascii: "a") &+ (high &- 10)
    base[count + 1] = low < 10 ? UInt8(ascii: "0") &+ low : UInt8(ascii: "a") &+ (low &- 10)
    count += 2
  }

  /// `0x%08x`.
  package mutating func appendHexKey(_ value: UInt32) {
    reserve(10)
    base[count] = UInt8(ascii: "0")
    base[count + 1] = UInt8(ascii: "x")
    for position in 0..<8 {
      let nibble = UInt8(truncatingIfNeeded: value >> UInt32(28 - 4 * position)) & 0xf
      base[count + 2 + position] = nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ (nibble &- 10)
    }
    count += 10
  }

  private mutating func appendNumber(
    _ magnitude: UInt64,
    radix: UInt64,
    negative: Bool,
    width: Int,
    alignRight: Bool
  ) {
    // Counting digits with a constant divisor: the compiler turns a division by 10 or 8 into a multiplication,
    // while a division by a variable radix costs tens of cycles per digit (a fifth of swipcs's user time).
    var digitCount = 1
    var rest = magnitude
    if radix == 10 {
      while rest >= 10 {
        digitCount += 1
        rest /= 10
      }
    } else {
      while rest >= 8 {
        digitCount += 1
        rest /= 8
      }
    }
    let padding = width - digitCount - (negative ? 1 : 0)
    if alignRight { appendSpaces(padding) }
    if negative { append(UInt8(ascii: "-")) }
    reserve(digitCount)
    var value = magnitude
    var index = count + digitCount - 1
    if radix == 10 {
      repeat {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: 10)
        base[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remainder)
        value = quotient
        index -= 1
      } while value > 0
    } else {
      repeat {
        base[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value & 7)
        value >>= 3
        index -= 1
      } while value > 0
    }
    count += digitCount
    if !alignRight { appendSpaces(padding) }
  }
}
