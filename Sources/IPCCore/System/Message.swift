import Glibc
package import IPCModel

/// Text for the terminal held as bytes: the literal parts are UTF-8, and what comes from the system (strerror in
/// the current locale, argv[0], an argument as typed) keeps its bytes unchanged, as util-linux's printf does.
///
/// `"\(operation) failed: \(errno: code)"` builds one. A `String` would repair bytes that are not UTF-8 with
/// U+FFFD; this type never decodes anything.
package struct Message: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
  package var bytes: [UInt8]

  package init(bytes: [UInt8]) { self.bytes = bytes }

  package init(stringLiteral value: String) { bytes = Array(value.utf8) }

  package init(stringInterpolation: Interpolation) { bytes = stringInterpolation.bytes }

  /// For tests and debugging only: the bytes decoded as UTF-8, repaired.
  package var description: String { String(decoding: bytes, as: UTF8.self) }

  package static func + (left: Message, right: Message) -> Message { Message(bytes: left.bytes + right.bytes) }

  package struct Interpolation: StringInterpolationProtocol {
    fileprivate var bytes: [UInt8] = []

    package init(literalCapacity: Int, interpolationCount: Int) { bytes.reserveCapacity(literalCapacity + 16) }

    package mutating func appendLiteral(_ literal: String) { bytes += literal.utf8 }

    /// Raw bytes, passed through.
    package mutating func appendInterpolation(_ raw: [UInt8]) { bytes += raw }

    package mutating func appendInterpolation(_ message: Message) { bytes += message.bytes }

    /// `strerror(code)` in the current locale, its bytes as libc gives them.
    package mutating func appendInterpolation(errno code: Int32) { bytes += Errno.messageBytes(code) }

    package mutating func appendInterpolation(_ text: String) { bytes += text.utf8 }

    package mutating func appendInterpolation(_ value: some BinaryInteger) { bytes += String(value).utf8 }

    package mutating func appendInterpolation(_ value: some CustomStringConvertible) { bytes += value.description.utf8 }
  }
}

/// The bytes of a NUL-terminated C string (argv, strerror, passwd names): they need not be UTF-8, so they stay
/// bytes.
package func cStringBytes(_ pointer: UnsafePointer<CChar>) -> [UInt8] {
  Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
}
